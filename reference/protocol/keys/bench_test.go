package keys

import (
	"crypto/ed25519"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/signing"
)

// BenchmarkParseBundle is the full check of a received rotated bundle:
// strict decode, low-order check, two signatures.
func BenchmarkParseBundle(b *testing.B) {
	raw := mustJSON(b, mustRotate(b, mustIdentity(b, "alice", "alice#a.test"), "alice-2").Bundle())
	for b.Loop() {
		if _, err := ParseBundle(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignBundle is signing.Sign of a bundle.
func BenchmarkSignBundle(b *testing.B) {
	id := mustIdentity(b, "alice", "alice#a.test")
	bundle := id.Bundle()
	for b.Loop() {
		if _, err := signing.Sign(bundle, id.SignKey()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyBundleSig is signing.Verify of a received bundle's self-signature.
func BenchmarkVerifyBundleSig(b *testing.B) {
	id := mustIdentity(b, "alice", "alice#a.test")
	raw := mustJSON(b, id.Bundle())
	pub := id.Bundle().SignPublic()
	for b.Loop() {
		if err := signing.Verify(raw, pub); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEd25519SignBundle and BenchmarkEd25519VerifyBundle are the bare
// operations on the same canonical input, the baseline for the two above.
func BenchmarkEd25519SignBundle(b *testing.B) {
	id := mustIdentity(b, "alice", "alice#a.test")
	input, err := signing.Input(mustJSON(b, id.Bundle()))
	if err != nil {
		b.Fatal(err)
	}
	priv := id.SignKey()
	for b.Loop() {
		ed25519.Sign(priv, input)
	}
}

func BenchmarkEd25519VerifyBundle(b *testing.B) {
	id := mustIdentity(b, "alice", "alice#a.test")
	bundle := id.Bundle()
	input, err := signing.Input(mustJSON(b, bundle))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if !ed25519.Verify(bundle.SignPublic(), input, bundle.Sig) {
			b.Fatal("does not verify")
		}
	}
}

// BenchmarkNewIdentity is key generation plus the signed bundle.
func BenchmarkNewIdentity(b *testing.B) {
	for b.Loop() {
		mustIdentity(b, "alice", "alice#a.test")
	}
}
