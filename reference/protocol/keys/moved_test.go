package keys

import (
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// TestMovedToKeepsTheKeys: the moved identity publishes the same keys
// under the new address, in a bundle that verifies.
func TestMovedToKeepsTheKeys(t *testing.T) {
	id, err := NewIdentity(wire.Seeded("moved", time.UnixMilli(1_700_000_000_000)), address.MustParse("alice#a.test"))
	if err != nil {
		t.Fatal(err)
	}
	moved, err := id.MovedTo(wire.Seeded("moved2", time.UnixMilli(1_700_000_001_000)), address.MustParse("alice#c.test"))
	if err != nil {
		t.Fatal(err)
	}
	b := moved.Bundle()
	if b.Address.String() != "alice#c.test" || !b.SignPublic().Equal(id.Bundle().SignPublic()) || *moved.BoxPublic() != *id.BoxPublic() {
		t.Errorf("moved bundle %+v does not publish the same keys under alice#c.test", b)
	}
	if err := b.Verify(); err != nil {
		t.Errorf("moved bundle does not verify: %v", err)
	}
	if _, err := id.MovedTo(wire.Seeded("x", time.Now()), address.Address{}); err == nil {
		t.Errorf("MovedTo an empty address succeeded")
	}
}
