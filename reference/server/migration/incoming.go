package migration

import (
	"crypto/ed25519"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// The federation inbox applies "move" and "delete" items with [ApplyMove]
// and [ApplyDelete], inside the store operation that answers the whole
// transaction. The inbox has checked the item's schema and parties (the
// notice's signer on the origin, every recipient on this server). A
// refusal is an *httpapi.Error — the item's per-item error; any other
// error is a failure of the store.

// ApplyMove applies notice n for the local recipients to: each active
// one that holds n.From as a contact checks n with the bundle it holds
// (bad_signature, FED-SPOOF-05), then its contact is switched to n.To and
// its bundle, keeping the state, and it gets a moved event
// (MOVE-CONTACT-01). Every recipient is checked before any is changed.
// A recipient that no longer holds n.From (a replay, or no contact) is
// left alone.
func ApplyMove(tx *store.Tx, n *account.MoveNotice, to []address.Address, now wire.Millis) (Effects, error) {
	holders, err := verifyHolders(tx, n.From, to, n.Verify)
	if err != nil {
		return Effects{}, err
	}
	notice, bundle, err := moveBytes(n)
	if err != nil {
		return Effects{}, err
	}
	var fx Effects
	for _, owner := range holders {
		if err := switchContact(tx, owner, n.From, n.To, bundle, notice, now, &fx); err != nil {
			return Effects{}, err
		}
	}
	return fx, nil
}

// ApplyDelete applies notice n for the local recipients to: each active
// one that holds n.Address as a contact checks n with the bundle it holds
// (bad_signature, FED-SPOOF-05), then drops the contact and gets a
// deleted event. Every recipient is checked before any is changed.
func ApplyDelete(tx *store.Tx, n *account.DeleteNotice, to []address.Address) (Effects, error) {
	holders, err := verifyHolders(tx, n.Address, to, n.Verify)
	if err != nil {
		return Effects{}, err
	}
	notice, err := n.Bytes()
	if err != nil {
		return Effects{}, err
	}
	var fx Effects
	for _, owner := range holders {
		if err := dropContact(tx, owner, n.Address, notice, &fx); err != nil {
			return Effects{}, err
		}
	}
	return fx, nil
}

// verifyHolders returns the active recipients in to that hold signer as a
// contact with a bundle, after checking the notice with each bundle held.
func verifyHolders(tx *store.Tx, signer address.Address, to []address.Address, verify func(ed25519.PublicKey) error) ([]address.Address, error) {
	var holders []address.Address
	for _, owner := range to {
		ok, err := active(tx, owner)
		if err != nil || !ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		_, key, held, err := heldKey(tx, owner, signer)
		if err != nil {
			return nil, err
		}
		if !held {
			continue
		}
		if err := verify(key); err != nil {
			return nil, badSignature(err)
		}
		holders = append(holders, owner)
	}
	return holders, nil
}
