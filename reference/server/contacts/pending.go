package contacts

import (
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
)

// A [store.Contact] holds the state and the other side's bundle but not the
// request's id, note and ts, which GET /contacts/requests returns and a
// contact_response item names. Each side with a pending record therefore
// keeps the request's wire form in the store's record table under the
// pair (owner, "contact_request/" + other), which no envelope id (a ULID)
// can collide with, with no expiry: a request stays pending until it is
// answered. The store has no delete for that table, so a settled request's
// record stays behind; it is read only while the contact record is
// pending and is replaced by the next request of the pair.

// pendingID names the pending request between an account and other.
func pendingID(other address.Address) string { return "contact_request/" + other.String() }

// keepRequest records req as the pending request between owner and other.
func (t *txn) keepRequest(owner, other address.Address, req Request) error {
	raw, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("encode request %s: %w", req.ID, err)
	}
	return t.Remember(owner.String(), pendingID(other), raw, 0)
}

// request returns the pending request between owner and other, recorded
// by [txn.keepRequest]; call it only when their contact record is pending.
func (t *txn) request(owner, other address.Address) (Request, error) {
	raw, ok, err := t.Seen(owner.String(), pendingID(other))
	if err != nil {
		return Request{}, err
	}
	if !ok {
		return Request{}, fmt.Errorf("pending request between %s and %s: not recorded", owner, other)
	}
	var req Request
	if err := json.Unmarshal(raw, &req); err != nil {
		return Request{}, fmt.Errorf("pending request between %s and %s: %w", owner, other, err)
	}
	return req, nil
}
