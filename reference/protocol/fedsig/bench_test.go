package fedsig

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// benchBody is a 4 KiB request body, the size of a typical transaction.
var benchBody = make([]byte, 4096)

// BenchmarkSign signs a POST with a 4 KiB body: SHA-256, JCS, Ed25519, header.
func BenchmarkSign(b *testing.B) {
	k := testKey(b, "bench", "ed25519:k1")
	deps := wire.Seeded("bench", now)
	b.SetBytes(int64(len(benchBody)))
	for b.Loop() {
		if _, err := Sign(deps, k, "POST", inbox, "a.test", "b.test", benchBody); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify verifies that request: parse, checks, JCS, SHA-256, Ed25519.
func BenchmarkVerify(b *testing.B) {
	k := testKey(b, "bench", "ed25519:k1")
	keys := StaticKeys{}.Add("a.test", k)
	req := signAt(b, k, 0, inbox, benchBody)
	b.SetBytes(int64(len(benchBody)))
	for b.Loop() {
		if _, err := Verify(context.Background(), now, req.header, "POST", inbox, benchBody, "b.test", keys); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawSign is the floor under BenchmarkSign: SHA-256 of the body and
// one Ed25519 signature over a message of the signing input's size.
func BenchmarkRawSign(b *testing.B) {
	k := testKey(b, "bench", "ed25519:k1")
	msg := make([]byte, 190)
	b.SetBytes(int64(len(benchBody)))
	for b.Loop() {
		sum := sha256.Sum256(benchBody)
		copy(msg, sum[:])
		ed25519.Sign(k.Private, msg)
	}
}

// BenchmarkRawVerify is the floor under BenchmarkVerify.
func BenchmarkRawVerify(b *testing.B) {
	k := testKey(b, "bench", "ed25519:k1")
	msg := make([]byte, 190)
	sig := ed25519.Sign(k.Private, msg)
	b.SetBytes(int64(len(benchBody)))
	for b.Loop() {
		sum := sha256.Sum256(benchBody)
		copy(msg, sum[:32])
		ed25519.Verify(k.Public(), msg, sig)
	}
}
