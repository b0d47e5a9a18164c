package keys

import (
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

func TestVerifyChain(t *testing.T) {
	a1 := mustIdentity(t, "alice", "alice#a.test")
	a2 := mustRotate(t, a1, "alice-2")
	a3 := mustRotate(t, a2, "alice-3")
	b1, b2, b3 := a1.Bundle(), a2.Bundle(), a3.Bundle()

	// alice's keys rotated with a creation time that does not move forward
	stale := mustRotate(t, a1, "alice-stale")
	if err := stale.sealBundle(b1.Created, a1.sign); err != nil {
		t.Fatal(err)
	}
	// mallory rotates from her own key but claims alice's address
	m1 := mustIdentity(t, "mallory", "alice#a.test")
	forged := mustRotate(t, m1, "mallory-2")
	// a bundle with a broken self-signature
	broken := a2.Bundle()
	broken.Sig[0] ^= 1
	// bob's keys
	bob := mustRotate(t, mustIdentity(t, "bob", "bob#a.test"), "bob-2")

	tests := []struct {
		name  string
		chain []Bundle
		want  wire.Defect
	}{
		// happy path: one bundle
		{"single", []Bundle{b1}, ""},
		// happy path: a full chain
		{"full", []Bundle{b1, b2, b3}, ""},
		// happy path: a suffix of the history starts with a rotated bundle
		{"suffix", []Bundle{b2, b3}, ""},
		// sad path: nothing
		{"empty", nil, wire.Malformed},
		// newest first
		{"reversed", []Bundle{b3, b2, b1}, wire.BadChain},
		// a missing middle bundle: b3 names b2's key, not b1's
		{"gap", []Bundle{b1, b3}, wire.BadChain},
		// the same bundle twice: created does not increase
		{"repeat", []Bundle{b1, b1}, wire.BadChain},
		// a later bundle that is no rotation
		{"no prev", []Bundle{b1, m1.Bundle()}, wire.BadChain},
		// a well-signed link from another key claiming the same address
		{"forged link", []Bundle{b1, forged.Bundle()}, wire.BadChain},
		// created not strictly increasing
		{"stale created", []Bundle{b1, stale.Bundle()}, wire.BadChain},
		// another account's rotation
		{"other address", []Bundle{b1, bob.Bundle()}, wire.BadChain},
		// one bundle's own signature is broken
		{"broken bundle", []Bundle{b1, broken, b3}, wire.BadSignature},
	}
	for _, tt := range tests {
		wantDefect(t, tt.name, VerifyChain(tt.chain), tt.want)
	}
}
