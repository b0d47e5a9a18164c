package contacts

import (
	"encoding/json"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// bundleBody is the body and the answer of POST
// /contacts/requests/{address}/accept (spec/schemas/contact-accept.json).
type bundleBody struct {
	Bundle json.RawMessage `json:"bundle"`
}

// acceptRequest is acceptContactRequest: POST
// /contacts/requests/{address}/accept {bundle} → 200 {bundle}.
func (s *Service) acceptRequest(w http.ResponseWriter, r *http.Request) {
	me, from, err := s.caller(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	bundle, err := s.readBundle(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	var theirs []byte
	err = s.update(r.Context(), s.now(), func(t *txn) (err error) {
		theirs, err = t.acceptFrom(me, from, bundle)
		return err
	})
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, bundleBody{Bundle: theirs})
}

// readBundle reads an accept body and returns its bundle, verified and in
// canonical form.
func (s *Service) readBundle(r *http.Request) ([]byte, error) {
	raw, err := httpapi.ReadBody(r, s.cfg.MaxBodyBytes, "contact-accept")
	if err != nil {
		return nil, err
	}
	var body bundleBody
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, httpapi.Errorf("bad_request", "decode accept: %v", err)
	}
	return parseBundle(body.Bundle)
}

// acceptFrom accepts the request of from pending at me, answering with
// bundle, and returns from's bundle. Accepting an accepted contact again
// answers the same and changes nothing.
func (t *txn) acceptFrom(me, from address.Address, bundle []byte) ([]byte, error) {
	if err := t.checkOwnBundle(me, bundle); err != nil {
		return nil, err
	}
	mine, err := t.contact(me, from)
	if err != nil {
		return nil, err
	}
	switch mine.State {
	case store.ContactAccepted:
		return t.freshBundle(from, mine.Bundle)
	case store.ContactPendingIn:
		req, err := t.request(me, from)
		if err != nil {
			return nil, err
		}
		return t.accept(req, bundle)
	}
	return nil, noRequest(from)
}

// declineRequest is declineContactRequest: POST
// /contacts/requests/{address}/decline → 204.
func (s *Service) declineRequest(w http.ResponseWriter, r *http.Request) {
	me, from, err := s.caller(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	err = s.update(r.Context(), s.now(), func(t *txn) error {
		pending, err := t.isState(me, from, store.ContactPendingIn)
		if err != nil {
			return err
		}
		if !pending {
			return noRequest(from)
		}
		req, err := t.request(me, from)
		if err != nil {
			return err
		}
		return t.decline(req)
	})
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// noRequest is the answer to an accept or decline with nothing pending
// (CONTACT-ACCEPT-02).
func noRequest(from address.Address) error {
	return httpapi.Errorf("not_found", "no contact request from %s is pending", from)
}
