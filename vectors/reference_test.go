package vectors_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/emsg-project/emsg/vectors"
	"github.com/emsg-project/emsg/vectors/verify"
)

// TestReferenceLibrary runs the reference protocol library on every case of
// every vector file with [verify.File]; each case is a subtest
// (TestReferenceLibrary/<file>/tcId<n>) that fails with the verdict's
// problem when the library did not do what the vector says.
func TestReferenceLibrary(t *testing.T) {
	tests := []struct {
		file string
	}{
		// address grammar: address.Parse, with the reason of each rejection
		{vectors.Address},
		// RFC 8785 and the EMSG integer rule: canonical.Transform, canonical.Protocol
		{vectors.CanonicalJSON},
		// bare Ed25519 signatures, and signing.Sign/Verify on the same keys
		{vectors.Ed25519},
		// libsodium sealed boxes, the wrapping of content keys
		{vectors.SealedBox},
		// XChaCha20-Poly1305, the AEAD of envelope payloads
		{vectors.XChaCha20Poly1305},
		// key bundles and rotation chains: keys.ParseBundle, keys.VerifyChain, rebuilt from seeds
		{vectors.KeyBundle},
		// 1:1 envelopes: envelope.ParseEnvelope, envelope.Open, rebuilt with envelope.SealWith
		{vectors.Envelope},
		// group envelopes, through the same calls
		{vectors.GroupEnvelope},
		// EMSG-Federation and EMSG-Admin request signatures: fedsig.Verifier, re-signed headers
		{vectors.FederationSig},
		// session tickets and session auth proofs: ticket.Accept
		{vectors.SessionTicket},
		// export bundles: account.ParseExport and Verify
		{vectors.ExportBundle},
		// move and delete notices, login proofs
		{vectors.Notices},
	}
	var covered []string
	for _, tt := range tests {
		covered = append(covered, tt.file)
		t.Run(tt.file, func(t *testing.T) {
			r, err := verify.File(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range r.Cases {
				t.Run(fmt.Sprintf("tcId%d", c.TcID), func(t *testing.T) { reportCase(t, c) })
			}
		})
	}
	for _, name := range vectors.Files() {
		if !slices.Contains(covered, name) {
			t.Errorf("vector file %s.json is not in the table", name)
		}
	}
}

// reportCase fails t unless the case passed, and logs what the library chose
// for an acceptable case.
func reportCase(t *testing.T, c verify.Case) {
	t.Helper()
	if c.Verdict != verify.Pass {
		t.Errorf("%s (%s): %s", c.Comment, c.Verdict, c.Problem)
		return
	}
	if c.Result == vectors.Acceptable {
		t.Logf("acceptable %v: reference library %s", c.Flags, map[bool]string{true: "accepts", false: "rejects"}[c.Accepted])
	}
}
