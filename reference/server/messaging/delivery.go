package messaging

import (
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Delivery is the idempotency record of an accepted envelope, remembered
// in the store under the envelope's (from, id) until it expires:
//
//	{"to":"bob#b.test","expires":1700604800000}
//
// To is the envelope's to (the recipient; for a group envelope the group),
// Expires its ts + ttl*1000. A repeat of (from, id) finds the record and
// changes nothing (ENV-IDEM-01, FED-TXN-05); a read receipt is allowed for
// an id whose record names the reader as To (RCPT-READ-01). Every code
// path that accepts an envelope for a local account writes one.
type Delivery struct {
	To      address.Address `json:"to"`
	Expires wire.Millis     `json:"expires"`
}

// deliveryGrace is how long the record outlives its envelope: the
// recipient's server sends an expired receipt only after the envelope
// expired (up to a minute later, then through its queue's retries), and
// the receipt is accepted only against the record (FED-SPOOF-04,
// RCPT-EXPIRED-01).
const deliveryGrace wire.Millis = 24 * 60 * 60 * 1000

// RememberDelivery records that the envelope (from, id) to d.To was
// accepted, until [deliveryGrace] after d.Expires.
func RememberDelivery(tx *store.Tx, from address.Address, id string, d Delivery) error {
	rec, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("remember delivery %s %s: %w", from, id, err)
	}
	return tx.Remember(from.String(), id, rec, d.Expires+deliveryGrace)
}

// LookupDelivery returns the record of the envelope (from, id) and whether
// there is one.
func LookupDelivery(tx *store.Tx, from address.Address, id string) (Delivery, bool, error) {
	rec, ok, err := tx.Seen(from.String(), id)
	if err != nil || !ok {
		return Delivery{}, false, err
	}
	var d Delivery
	if err := json.Unmarshal(rec, &d); err != nil {
		return Delivery{}, false, fmt.Errorf("delivery record %s %s: %w", from, id, err)
	}
	return d, true, nil
}
