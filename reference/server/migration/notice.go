package migration

import (
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// noticeWindow is how far a notice's ts may be from the server's clock
// (NOTICE-TS-01).
const noticeWindow wire.Millis = 300000

// checkSigner checks that a notice signed for signer at ts was posted by
// caller (forbidden) on time (unauthorized). The signature is checked
// against the stored key by [currentKey] and the notice's Verify.
func checkSigner(caller, signer address.Address, ts, now wire.Millis) error {
	if signer != caller {
		return httpapi.Errorf("forbidden", "the notice is for %s, the caller is %s", signer, caller)
	}
	if ts < now-noticeWindow || ts > now+noticeWindow {
		return httpapi.Errorf("unauthorized", "the notice's ts %d is more than %d ms from the server's clock %d", ts, noticeWindow, now)
	}
	return nil
}

// currentKey returns the sign key of addr's current bundle on this server.
func currentKey(tx *store.Tx, addr address.Address) (ed25519.PublicKey, error) {
	raw, err := tx.CurrentBundle(addr.String())
	if errors.Is(err, store.ErrNotFound) {
		return nil, httpapi.Errorf("not_found", "%s has no key bundle here", addr)
	}
	if err != nil {
		return nil, err
	}
	b, err := keys.ParseBundle(raw)
	if err != nil {
		return nil, fmt.Errorf("stored bundle of %s: %w", addr, err)
	}
	return b.SignPublic(), nil
}

// heldKey returns the sign key of the bundle owner holds for contact, and
// whether owner holds the contact with a bundle at all.
func heldKey(tx *store.Tx, owner, contact address.Address) (store.Contact, ed25519.PublicKey, bool, error) {
	c, ok, err := tx.GetContact(owner.String(), contact.String())
	if err != nil || !ok || len(c.Bundle) == 0 {
		return store.Contact{}, nil, false, err
	}
	b, err := keys.ParseBundle(c.Bundle)
	if err != nil {
		return store.Contact{}, nil, false, fmt.Errorf("bundle %s holds for %s: %w", owner, contact, err)
	}
	return c, b.SignPublic(), true, nil
}

// badSignature is the answer to a notice that does not verify.
func badSignature(err error) error {
	return httpapi.Errorf("bad_signature", "the notice does not verify with the current key: %v", err)
}
