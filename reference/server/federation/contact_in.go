package federation

import (
	"encoding/json"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/contacts"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// The contact items (section 4, "Contacts: the key exchange") are decoded
// here and applied by package contacts, which keeps the contact records:
// [contacts.ApplyRequest], [contacts.ApplyResponse] and
// [contacts.ApplyRemoved] run in the inbox's store operation, and their
// refusals become the items' per-item errors.

// applyContactRequest applies a contact_request item.
func (in *Inbox) applyContactRequest(tx *store.Tx, item json.RawMessage, now wire.Millis, fx *effects) (string, error) {
	var it struct {
		Request contacts.Request `json:"request"`
	}
	if err := json.Unmarshal(item, &it); err != nil {
		return "", httpapi.Errorf("bad_request", "contact_request item: %v", err)
	}
	return took(fx)(contacts.ApplyRequest(tx, in.cfg.Domain, it.Request, now))
}

// applyContactResponse applies a contact_response item.
func (in *Inbox) applyContactResponse(tx *store.Tx, item json.RawMessage, now wire.Millis, fx *effects) (string, error) {
	var resp contacts.Response
	if err := json.Unmarshal(item, &resp); err != nil {
		return "", httpapi.Errorf("bad_request", "contact_response item: %v", err)
	}
	return took(fx)(contacts.ApplyResponse(tx, in.cfg.Domain, resp, now))
}

// applyContactRemoved applies a contact_removed item.
func (in *Inbox) applyContactRemoved(tx *store.Tx, item json.RawMessage, now wire.Millis, fx *effects) (string, error) {
	var it struct {
		From address.Address `json:"from"`
		To   address.Address `json:"to"`
	}
	if err := json.Unmarshal(item, &it); err != nil {
		return "", httpapi.Errorf("bad_request", "contact_removed item: %v", err)
	}
	return took(fx)(contacts.ApplyRemoved(tx, in.cfg.Domain, it.From, it.To, now))
}

// took returns a function that turns the outcome of a contacts Apply into
// the item's status, adding its accounts to wake and queues to kick to fx.
func took(fx *effects) func(contacts.Effects, error) (string, error) {
	return func(e contacts.Effects, err error) (string, error) {
		switch {
		case err != nil:
			return "", err
		case e.Duplicate:
			return statusDuplicate, nil
		}
		fx.wake = append(fx.wake, e.Wake...)
		fx.kick = append(fx.kick, e.Kick...)
		return statusOK, nil
	}
}
