package contacts

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// createBody is the body of POST /contacts/requests
// (spec/schemas/contact-request-create.json).
type createBody struct {
	To     string          `json:"to"`
	Bundle json.RawMessage `json:"bundle"`
	Note   string          `json:"note"`
}

// sendRequest is sendContactRequest: POST /contacts/requests → 202 {id}.
func (s *Service) sendRequest(w http.ResponseWriter, r *http.Request) {
	me, err := s.auth(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	req, err := s.readRequest(r, me)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	var id string
	err = s.update(r.Context(), req.TS, func(t *txn) (err error) {
		id, err = t.send(req)
		return err
	})
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusAccepted, map[string]string{"id": id})
}

// readRequest reads the body of a request from me and completes it with a
// new id and the current time. It checks what needs no stored state: the
// schema, the canonical form of to, the bundle's signature, and that me
// does not ask itself.
func (s *Service) readRequest(r *http.Request, me address.Address) (Request, error) {
	raw, err := httpapi.ReadBody(r, s.cfg.MaxBodyBytes, "contact-request-create")
	if err != nil {
		return Request{}, err
	}
	var body createBody
	if err := json.Unmarshal(raw, &body); err != nil {
		return Request{}, httpapi.Errorf("bad_request", "decode contact request: %v", err)
	}
	to, err := address.ParseCanonical(body.To)
	if err != nil {
		return Request{}, fmt.Errorf("to: %w", err)
	}
	if to == me {
		return Request{}, httpapi.Errorf("bad_request", "%s cannot ask itself", me)
	}
	bundle, err := parseBundle(body.Bundle)
	if err != nil {
		return Request{}, err
	}
	id, now, err := s.stamp()
	if err != nil {
		return Request{}, err
	}
	return Request{ID: id, From: me, To: to, Bundle: bundle, Note: body.Note, TS: now}, nil
}

// send delivers req unless an earlier state settles it, and returns the id
// to answer: req's own, or that of the pending request it repeats or
// accepts.
func (t *txn) send(req Request) (string, error) {
	if err := t.checkSender(req.From); err != nil {
		return "", err
	}
	if err := t.checkOwnBundle(req.From, req.Bundle); err != nil {
		return "", err
	}
	if t.local(req.To) {
		if err := t.checkRecipient(req.From, req.To); err != nil {
			return "", err
		}
	}
	mine, err := t.contact(req.From, req.To)
	if err != nil {
		return "", err
	}
	switch mine.State {
	case store.ContactPendingIn: // crossing requests: this one accepts theirs
		theirs, err := t.request(req.From, req.To)
		if err != nil {
			return "", err
		}
		_, err = t.accept(theirs, req.Bundle)
		return theirs.ID, err
	case store.ContactPendingOut, store.ContactAccepted:
		if id, done, err := t.settled(req, mine.State); done || err != nil {
			return id, err
		}
	}
	if t.local(req.To) {
		open, err := t.acceptsRequests(req.To)
		if err != nil {
			return "", err
		}
		if !open {
			return "", httpapi.Errorf("forbidden", "%s accepts no contact requests", req.To)
		}
	}
	return req.ID, t.offer(req)
}

// settled reports whether req repeats a request the sender made that is
// still pending, or asks an accepted contact; either is answered 202 again
// with no second event, with the id returned. For a local recipient its
// own record must agree (it may have unblocked, dropping what it had); for
// a remote one only the sender's record is known.
func (t *txn) settled(req Request, mine string) (id string, done bool, err error) {
	if t.local(req.To) {
		theirs, err := t.contact(req.To, req.From)
		if err != nil || theirs.State != counterpart[mine] {
			return "", false, err
		}
	}
	if mine == store.ContactAccepted {
		return req.ID, true, nil // already contacts: nothing to ask
	}
	pending, err := t.request(req.From, req.To)
	if err != nil {
		return "", false, err
	}
	return pending.ID, true, nil
}

// counterpart is the other side's state matching one side's.
var counterpart = map[string]string{
	store.ContactPendingOut: store.ContactPendingIn,
	store.ContactAccepted:   store.ContactAccepted,
}

// checkSender refuses a request from an account that moved away
// (MOVE-SEND-01).
func (t *txn) checkSender(me address.Address) error {
	acct, _, err := t.GetAccount(me.String())
	if err != nil || acct.State != store.StateMoved {
		return err
	}
	e := httpapi.Errorf("moved", "%s moved to %s", me, acct.MovedTo)
	e.MovedTo = acct.MovedTo
	return e
}

// checkRecipient checks that the local account to can be asked by me: it
// exists and is here (not_found, gone, moved) and has not blocked me
// (blocked).
func (t *txn) checkRecipient(me, to address.Address) error {
	if err := t.reachable(to); err != nil {
		return err
	}
	blocked, err := t.isState(to, me, store.ContactBlocked)
	if err != nil {
		return err
	}
	if blocked {
		return httpapi.Errorf("blocked", "%s does not accept anything from %s", to, me)
	}
	return nil
}
