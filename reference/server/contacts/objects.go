package contacts

import (
	"encoding/json"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Request is a contact request as it travels (spec/schemas/contact-request.json):
// in the recipient's contact_request event, in a contact_request federation
// item and in GET /contacts/requests.
type Request struct {
	ID     string          `json:"id"`
	From   address.Address `json:"from"`
	To     address.Address `json:"to"`
	Bundle json.RawMessage `json:"bundle"` // the requester's bundle, canonical form
	Note   string          `json:"note,omitempty"`
	TS     wire.Millis     `json:"ts"`
}

// Response is the answer to a contact request as it travels in a
// contact_response federation item (spec/schemas/fed-item.json), without
// the item's kind.
type Response struct {
	ID       string          `json:"id"`   // the answered request's id
	From     address.Address `json:"from"` // who answers: the request's to
	To       address.Address `json:"to"`   // the requester
	Accepted bool            `json:"accepted"`
	Bundle   json.RawMessage `json:"bundle,omitempty"` // the answerer's bundle, accepted only
}

// The stream events of this package (spec/schemas/stream-event.json).
type (
	requestEvent struct {
		Kind    string  `json:"kind"` // contact_request
		Request Request `json:"request"`
	}
	acceptedEvent struct {
		Kind    string          `json:"kind"` // contact_accepted
		Address address.Address `json:"address"`
		Bundle  json.RawMessage `json:"bundle"`
	}
	// addressEvent is contact_declined and contact_removed.
	addressEvent struct {
		Kind    string          `json:"kind"`
		Address address.Address `json:"address"`
	}
)

// The federation items of this package (spec/schemas/fed-item.json).
type (
	requestItem struct {
		Kind    string  `json:"kind"` // contact_request
		Request Request `json:"request"`
	}
	responseItem struct {
		Kind string `json:"kind"` // contact_response
		Response
	}
	removedItem struct {
		Kind string          `json:"kind"` // contact_removed
		From address.Address `json:"from"`
		To   address.Address `json:"to"`
	}
)

// Event and item kinds.
const (
	kindRequest  = "contact_request"
	kindAccepted = "contact_accepted"
	kindDeclined = "contact_declined"
	kindRemoved  = "contact_removed"
	kindResponse = "contact_response"
)
