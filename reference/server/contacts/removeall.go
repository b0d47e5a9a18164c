package contacts

import (
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// RemoveAllTx removes every accepted contact of the local account addr,
// in the caller's store operation, telling each as DELETE /contacts does
// (a contact_removed event here, a contact_removed item to another
// server); pending requests and blocks are dropped silently. An
// operator's deletion of the account uses it (ADMIN-DELETE-01: contacts
// notified). domain is this server's.
func RemoveAllTx(tx *store.Tx, domain string, addr address.Address, now wire.Millis) (Effects, error) {
	return applyItem(tx, domain, now, func(t *txn) (bool, error) {
		list, err := tx.Contacts(addr.String())
		if err != nil {
			return false, err
		}
		for _, c := range list {
			other, err := address.ParseCanonical(c.Address)
			if err != nil {
				return false, fmt.Errorf("stored contact %q of %s: %w", c.Address, addr, err)
			}
			if c.State == store.ContactAccepted {
				err = t.remove(addr, other)
			} else {
				err = t.drop(addr, other)
			}
			if err != nil {
				return false, err
			}
		}
		return false, nil
	})
}
