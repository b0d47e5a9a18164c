package signing

import (
	"bytes"
	"crypto/ed25519"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// note is a minimal signed object of the kind the helpers serve.
type note struct {
	Text string
	Sig  wire.Bytes
	raw  []byte
}

func (n *note) fields() any {
	return struct {
		Text string     `json:"text"`
		Sig  wire.Bytes `json:"sig,omitempty"`
	}{n.Text, n.Sig}
}

func (n *note) Bytes() ([]byte, error) { return Encoding(n.raw, n.fields) }

func TestSignedObjectHelpers(t *testing.T) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, 32))
	pub := priv.Public().(ed25519.PublicKey)
	n := &note{Text: "hi"}
	raw, err := SignObject(n.fields, &n.Sig, priv)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Sig) != ed25519.SignatureSize || !bytes.Contains(raw, []byte(`"sig":`)) {
		t.Fatalf("SignObject: sig %d bytes, encoding %s", len(n.Sig), raw)
	}
	// A hand-built object encodes canonically and verifies.
	if err := VerifyEncoded(n, pub); err != nil {
		t.Fatalf("VerifyEncoded(built) = %v", err)
	}
	// A remembered encoding wins over the fields, as received bytes must.
	n.raw = raw
	n.Text = "changed after signing"
	if got, _ := n.Bytes(); !bytes.Equal(got, raw) {
		t.Fatalf("Encoding ignored the remembered bytes: %s", got)
	}
	// Without them, the change shows, and the signature no longer verifies.
	n.raw = nil
	if err := VerifyEncoded(n, pub); wire.DefectOf(err) != wire.BadSignature {
		t.Fatalf("VerifyEncoded(tampered) = %v, want bad_signature", err)
	}
}
