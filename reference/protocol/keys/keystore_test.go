package keys

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

func TestPrivateKeysRoundTrip(t *testing.T) {
	id := mustRotate(t, mustIdentity(t, "alice", "alice#a.test"), "alice-2")
	raw := mustJSON(t, id.PrivateKeys())
	var pk PrivateKeys
	if err := json.Unmarshal(raw, &pk); err != nil {
		t.Fatal(err)
	}
	back, err := FromPrivateKeys(pk)
	if err != nil {
		t.Fatalf("FromPrivateKeys: %v", err)
	}
	if !bytes.Equal(mustJSON(t, back.PrivateKeys()), raw) || !bytes.Equal(back.SignKey(), id.SignKey()) || *back.BoxPublic() != *id.BoxPublic() {
		t.Error("the restored identity differs")
	}
	if _, err := back.Rotate(wire.Seeded("alice-3", t0)); err != nil {
		t.Errorf("rotating a restored identity: %v", err)
	}
}

func TestFromPrivateKeysRejects(t *testing.T) {
	alice := mustIdentity(t, "alice", "alice#a.test")
	other := mustIdentity(t, "other", "alice#a.test")
	tests := []struct {
		name   string
		tamper func(pk *PrivateKeys)
		want   wire.Defect
	}{
		// another identity's sign seed
		{"sign seed", func(pk *PrivateKeys) { pk.SignSeed = other.PrivateKeys().SignSeed }, wire.BadKey},
		// another identity's box key
		{"box key", func(pk *PrivateKeys) { pk.BoxKey = other.PrivateKeys().BoxKey }, wire.BadKey},
		// a truncated seed
		{"short seed", func(pk *PrivateKeys) { pk.SignSeed = pk.SignSeed[:31] }, wire.BadKey},
		// the keystore names another account
		{"address", func(pk *PrivateKeys) { pk.Address = address.MustParse("bob#a.test") }, wire.Malformed},
		// a bundle whose signature is broken
		{"bundle", func(pk *PrivateKeys) { pk.Bundle.Created++ }, wire.BadSignature},
	}
	for _, tt := range tests {
		pk := alice.PrivateKeys()
		tt.tamper(&pk)
		_, err := FromPrivateKeys(pk)
		wantDefect(t, tt.name, err, tt.want)
	}
}
