package contacts

import (
	"net/http"

	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// removeContact is removeContact: DELETE /contacts/{address} → 204, or
// not_found when the address is not an accepted contact (pending requests
// are answered with accept or decline, blocks lifted with unblock).
func (s *Service) removeContact(w http.ResponseWriter, r *http.Request) {
	me, other, err := s.caller(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	err = s.update(r.Context(), s.now(), func(t *txn) error {
		accepted, err := t.isState(me, other, store.ContactAccepted)
		if err != nil {
			return err
		}
		if !accepted {
			return httpapi.Errorf("not_found", "%s is not a contact", other)
		}
		return t.remove(me, other)
	})
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
