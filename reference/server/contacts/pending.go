package contacts

import (
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
)

// A pending request's id, note and ts, which GET /contacts/requests returns
// and a contact_response item names, travel in the Request member of the
// pending contact record each side keeps: a request is pending until it is
// answered, and the record's next state drops it.

// keepRequest records req in the pending record owner keeps for other,
// which must already be written (see [txn.put]).
func (t *txn) keepRequest(owner, other address.Address, req Request) error {
	raw, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("encode request %s: %w", req.ID, err)
	}
	c, err := t.contact(owner, other)
	if err != nil {
		return err
	}
	c.Request = raw
	return t.PutContact(owner.String(), c)
}

// request returns the pending request between owner and other, recorded
// by [txn.keepRequest]; call it only when their contact record is pending.
func (t *txn) request(owner, other address.Address) (Request, error) {
	c, err := t.contact(owner, other)
	if err != nil {
		return Request{}, err
	}
	if len(c.Request) == 0 {
		return Request{}, fmt.Errorf("pending request between %s and %s: not recorded", owner, other)
	}
	var req Request
	if err := json.Unmarshal(c.Request, &req); err != nil {
		return Request{}, fmt.Errorf("pending request between %s and %s: %w", owner, other, err)
	}
	return req, nil
}
