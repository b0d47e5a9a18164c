package messaging

import (
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/store"
)

// receiptOutlet is where receipts for one original sender go: its event
// log (local), the federation queue of its domain (remote), or nowhere
// (a local account that was deleted or moved since it sent the envelope:
// a receipt for an old address has no reader).
type receiptOutlet struct {
	to     address.Address
	local  bool // append to the local account's log
	remote bool // queue for to's domain
}

// receiptOutlet finds the outlet for receipts to to.
func (s *Service) receiptOutlet(tx *store.Tx, to address.Address) (receiptOutlet, error) {
	if to.Domain != s.cfg.Domain {
		return receiptOutlet{to: to, remote: true}, nil
	}
	a, ok, err := tx.GetAccount(to.String())
	if err != nil {
		return receiptOutlet{}, err
	}
	live := ok && a.State != store.StateDeleted && a.State != store.StateMoved
	return receiptOutlet{to: to, local: live}, nil
}

// send appends r to the sender's log as a receipt event (kept until
// acknowledged) or queues it as a receipt item (no expiry: FED-QUEUE-10
// lets the federation side drop it after max_ttl).
func (o receiptOutlet) send(tx *store.Tx, r Receipt) error {
	switch {
	case o.local:
		ev, err := receiptEvent(r)
		if err != nil {
			return err
		}
		if _, err := tx.AppendEvent(o.to.String(), ev, 0); err != nil {
			return fmt.Errorf("%s receipt %s: %w", r.Kind, r.ID, err)
		}
	case o.remote:
		item, err := receiptItem(r)
		if err != nil {
			return err
		}
		if _, err := tx.Enqueue(o.to.Domain, item, 0); err != nil {
			return fmt.Errorf("%s receipt %s: %w", r.Kind, r.ID, err)
		}
	}
	return nil
}
