package keys

import (
	"bytes"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// MovedTo returns the same keys published under another address, with a
// fresh bundle signed at deps.Millis(): what an account registers with on
// the server it moves to, so that its export (signed by these keys)
// imports there and its move notice names a bundle its contacts can check.
// The new bundle has no prev link: the address, not the key, changed.
func (id *Identity) MovedTo(deps wire.Deps, addr address.Address) (*Identity, error) {
	if err := checkAddress(addr); err != nil {
		return nil, fmt.Errorf("move identity: %w", err)
	}
	next := &Identity{addr: addr, sign: bytes.Clone(id.sign), boxPriv: id.boxPriv, boxPub: id.boxPub}
	if err := next.sealBundle(deps.Millis(), nil); err != nil {
		return nil, fmt.Errorf("move identity: %w", err)
	}
	return next, nil
}
