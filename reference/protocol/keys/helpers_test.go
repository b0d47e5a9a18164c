package keys

import (
	"crypto/ed25519"
	"encoding/json"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// t0 is the fixed clock of the tests.
var t0 = time.UnixMilli(1700000000000)

// mustIdentity makes an identity for addr from a seeded source.
func mustIdentity(t testing.TB, seed, addr string) *Identity {
	t.Helper()
	id, err := NewIdentity(wire.Seeded(seed, t0), address.MustParse(addr))
	if err != nil {
		t.Fatalf("NewIdentity(%s): %v", addr, err)
	}
	return id
}

// mustRotate rotates id with a seeded source.
func mustRotate(t testing.TB, id *Identity, seed string) *Identity {
	t.Helper()
	next, err := id.Rotate(wire.Seeded(seed, t0))
	if err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	return next
}

// toMap returns the JSON object of v as a generic map, for tampering.
func toMap(t testing.TB, v any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// mustJSON encodes v.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// resign replaces the top-level sig of m with one by key, as an attacker
// who controls key would after tampering.
func resign(t testing.TB, m map[string]any, key ed25519.PrivateKey) map[string]any {
	t.Helper()
	sig, err := signing.Sign(m, key)
	if err != nil {
		t.Fatal(err)
	}
	m["sig"] = wire.EncodeBytes(sig)
	return m
}

// wantDefect fails the test unless err carries defect want.
func wantDefect(t testing.TB, what string, err error, want wire.Defect) {
	t.Helper()
	if got := wire.DefectOf(err); got != want {
		t.Errorf("%s: error %v, want defect %q", what, err, want)
	}
}

// b64 returns the wire form of n bytes of value v.
func b64(n int, v byte) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = v
	}
	return wire.EncodeBytes(b)
}
