package keys

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"io"
	"testing"
	"time"

	"golang.org/x/crypto/curve25519"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

func TestNewIdentityDeterministic(t *testing.T) {
	a1 := mustIdentity(t, "alice", "alice#a.test")
	a2 := mustIdentity(t, "alice", "alice#a.test")
	b := mustIdentity(t, "bob", "alice#a.test")
	if !bytes.Equal(mustJSON(t, a1.Bundle()), mustJSON(t, a2.Bundle())) ||
		!bytes.Equal(mustJSON(t, a1.PrivateKeys()), mustJSON(t, a2.PrivateKeys())) {
		t.Error("the same seed gave different identities")
	}
	if bytes.Equal(a1.Bundle().SignKey, b.Bundle().SignKey) || *a1.BoxPublic() == *b.BoxPublic() {
		t.Error("different seeds gave the same keys")
	}
}

// TestNewIdentityDerivation pins how keys come from the random stream, so
// that other implementations reproduce the vectors: the first 32 bytes are
// the Ed25519 seed, the next 32 the X25519 scalar.
func TestNewIdentityDerivation(t *testing.T) {
	stream := make([]byte, 64)
	if _, err := io.ReadFull(wire.NewSeededReader("alice"), stream); err != nil {
		t.Fatal(err)
	}
	id := mustIdentity(t, "alice", "alice#a.test")
	wantSign := ed25519.NewKeyFromSeed(stream[:32])
	wantBox, err := curve25519.X25519(stream[32:], curve25519.Basepoint)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(id.SignKey(), wantSign) || !bytes.Equal(id.BoxPrivate()[:], stream[32:]) || !bytes.Equal(id.BoxPublic()[:], wantBox) {
		t.Error("keys are not derived from the seeded stream as documented")
	}
	b := id.Bundle()
	if b.Created != 1700000000000 || b.Address != address.MustParse("alice#a.test") || b.Prev != nil {
		t.Errorf("bundle = %+v; want created from deps, the address, no prev", b)
	}
}

func TestNewIdentityRejects(t *testing.T) {
	deps := wire.Seeded("x", t0)
	tests := []struct {
		name string
		deps wire.Deps
		addr address.Address
		want wire.Defect
	}{
		// no address at all
		{"zero address", deps, address.Address{}, wire.Malformed},
		// a struct literal that breaks the grammar
		{"bad address", deps, address.Address{Local: "a", Domain: "localhost"}, wire.BadAddress},
		// a struct literal in upper case
		{"upper-case address", deps, address.Address{Local: "A", Domain: "a.test"}, wire.BadAddress},
	}
	for _, tt := range tests {
		_, err := NewIdentity(tt.deps, tt.addr)
		wantDefect(t, tt.name, err, tt.want)
	}
	short := wire.Deps{Rand: bytes.NewReader(make([]byte, 40)), Now: func() time.Time { return t0 }}
	if _, err := NewIdentity(short, address.MustParse("a#a.test")); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("NewIdentity with 40 random bytes: %v, want unexpected EOF", err)
	}
}

func TestAccessorsReturnCopies(t *testing.T) {
	id := mustIdentity(t, "alice", "alice#a.test")
	before := mustJSON(t, id.PrivateKeys())
	id.SignKey()[0] ^= 1
	id.BoxPrivate()[0] ^= 1
	id.BoxPublic()[0] ^= 1
	b := id.Bundle()
	b.SignKey[0] ^= 1
	b.Sig[0] ^= 1
	if !bytes.Equal(before, mustJSON(t, id.PrivateKeys())) {
		t.Error("mutating returned values changed the identity")
	}
	if id.Address() != address.MustParse("alice#a.test") {
		t.Errorf("Address = %s", id.Address())
	}
}

func TestRotate(t *testing.T) {
	first := mustIdentity(t, "alice", "alice#a.test")
	second := mustRotate(t, first, "alice-2")
	later := wire.Seeded("alice-3", t0.Add(time.Hour))
	third, err := second.Rotate(later)
	if err != nil {
		t.Fatal(err)
	}
	b1, b2, b3 := first.Bundle(), second.Bundle(), third.Bundle()
	if err := VerifyChain([]Bundle{b1, b2, b3}); err != nil {
		t.Fatalf("VerifyChain of a rotation chain: %v", err)
	}
	if b2.Created != b1.Created+1 {
		t.Errorf("rotation under a stopped clock: created %d, want %d", b2.Created, b1.Created+1)
	}
	if b3.Created != wire.ToMillis(t0.Add(time.Hour)) {
		t.Errorf("rotation under a running clock: created %d, want the clock", b3.Created)
	}
	if !bytes.Equal(b3.Prev.SignKey, b2.SignKey) || bytes.Equal(b3.SignKey, b2.SignKey) || bytes.Equal(b3.BoxKey, b2.BoxKey) {
		t.Error("rotation must make new keys and link the old sign key")
	}
	again := mustRotate(t, mustIdentity(t, "alice", "alice#a.test"), "alice-2")
	if !bytes.Equal(mustJSON(t, again.Bundle()), mustJSON(t, b2)) {
		t.Error("the same seeds gave a different rotated bundle")
	}
}
