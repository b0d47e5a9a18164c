package contacts

import (
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// block is blockContact: PUT /contacts/{address}/block → 204, for any
// valid address, telling nobody.
func (s *Service) block(w http.ResponseWriter, r *http.Request) {
	me, other, err := s.caller(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	err = s.update(r.Context(), s.now(), func(t *txn) error { return t.block(me, other) })
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// block makes me's record for other blocked, keeping the bundle it held
// (an accepted contact's, or a pending request's), and withdraws without
// an event a request me had sent to other here. Blocking twice changes
// nothing; a remote server hears nothing.
func (t *txn) block(me, other address.Address) error {
	mine, err := t.contact(me, other)
	if err != nil || mine.State == store.ContactBlocked {
		return err
	}
	if err := t.put(me, other, store.ContactBlocked, mine.Bundle); err != nil {
		return err
	}
	if !t.local(other) || mine.State != store.ContactPendingOut {
		return nil
	}
	asked, err := t.isState(other, me, store.ContactPendingIn)
	if err != nil || !asked {
		return err
	}
	return t.drop(other, me)
}

// unblock is unblockContact: DELETE /contacts/{address}/block → 204. It
// deletes a block record, restoring nothing; without a block it changes
// nothing.
func (s *Service) unblock(w http.ResponseWriter, r *http.Request) {
	me, other, err := s.caller(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	err = s.update(r.Context(), s.now(), func(t *txn) error {
		blocked, err := t.isState(me, other, store.ContactBlocked)
		if err != nil || !blocked {
			return err
		}
		return t.drop(me, other)
	})
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
