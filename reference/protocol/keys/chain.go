package keys

import (
	"bytes"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// VerifyChain checks an account's bundles, oldest first, as GET /keys
// returns them: each bundle verifies on its own, and each next bundle has
// the same address, a strictly later created time, and a prev link naming
// the sign key of the bundle before it ([wire.BadChain] otherwise). The
// first bundle may itself carry a prev link (a chain may be a suffix of the
// account's history); its link is checked only against its own signature.
// The last bundle holds the account's current keys.
func VerifyChain(bundles []Bundle) error {
	if len(bundles) == 0 {
		return fmt.Errorf("verify chain: %w", wire.Errorf(wire.Malformed, "", "no bundles"))
	}
	for i, b := range bundles {
		if err := b.Verify(); err != nil {
			return fmt.Errorf("verify chain: bundle %d: %w", i, err)
		}
		if i == 0 {
			continue
		}
		if err := checkLink(bundles[i-1], b); err != nil {
			return fmt.Errorf("verify chain: bundle %d: %w", i, err)
		}
	}
	return nil
}

// checkLink checks that next follows prev in an account's chain.
func checkLink(prev, next Bundle) error {
	switch {
	case next.Address != prev.Address:
		return wire.Errorf(wire.BadChain, "/address", "address %s differs from the previous bundle's %s", next.Address, prev.Address)
	case next.Created <= prev.Created:
		return wire.Errorf(wire.BadChain, "/created", "created %d is not after the previous bundle's %d", next.Created, prev.Created)
	case next.Prev == nil:
		return wire.Errorf(wire.BadChain, "/prev", "a later bundle has no prev link")
	case !bytes.Equal(next.Prev.SignKey, prev.SignKey):
		return wire.Errorf(wire.BadChain, "/prev/sign_key", "prev link does not name the previous bundle's sign key")
	}
	return nil
}
