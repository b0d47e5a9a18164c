package contacts

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// entry is one item of GET /contacts (spec/schemas/contact.json).
type entry struct {
	Address string          `json:"address"`
	State   string          `json:"state"`
	Bundle  json.RawMessage `json:"bundle,omitempty"`
}

// listContacts is listContacts: GET /contacts → 200 {contacts}.
func (s *Service) listContacts(w http.ResponseWriter, r *http.Request) {
	me, err := s.auth(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	var list []entry
	err = s.st.View(func(tx *store.Tx) (err error) {
		list, err = (&txn{Tx: tx, domain: s.cfg.Domain}).entries(me)
		return err
	})
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string][]entry{"contacts": list})
}

// entries lists me's contacts in every state; accepted and blocked ones
// carry the newest bundle known (local accounts: of their chain).
func (t *txn) entries(me address.Address) ([]entry, error) {
	records, err := t.Contacts(me.String())
	if err != nil {
		return nil, err
	}
	list := make([]entry, 0, len(records))
	for _, c := range records {
		e := entry{Address: c.Address, State: c.State}
		if c.State == store.ContactAccepted || c.State == store.ContactBlocked {
			if e.Bundle, err = t.recordBundle(c); err != nil {
				return nil, err
			}
		}
		list = append(list, e)
	}
	return list, nil
}

// recordBundle is the bundle to show for record c: none if it holds none
// (a blocked stranger), else the freshest one.
func (t *txn) recordBundle(c store.Contact) ([]byte, error) {
	if len(c.Bundle) == 0 {
		return nil, nil
	}
	other, err := address.ParseCanonical(c.Address)
	if err != nil {
		return nil, err
	}
	return t.freshBundle(other, c.Bundle)
}

// listRequests is listContactRequests: GET /contacts/requests → 200
// {requests}, oldest first.
func (s *Service) listRequests(w http.ResponseWriter, r *http.Request) {
	me, err := s.auth(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	var list []Request
	err = s.st.View(func(tx *store.Tx) (err error) {
		list, err = (&txn{Tx: tx, domain: s.cfg.Domain}).incoming(me)
		return err
	})
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string][]Request{"requests": list})
}

// incoming returns the requests pending at me, oldest first.
func (t *txn) incoming(me address.Address) ([]Request, error) {
	records, err := t.Contacts(me.String())
	if err != nil {
		return nil, err
	}
	list := []Request{}
	for _, c := range records {
		if c.State != store.ContactPendingIn {
			continue
		}
		from, err := address.ParseCanonical(c.Address)
		if err != nil {
			return nil, err
		}
		req, err := t.request(me, from)
		if err != nil {
			return nil, err
		}
		list = append(list, req)
	}
	slices.SortFunc(list, func(a, b Request) int {
		return cmp.Or(cmp.Compare(a.TS, b.TS), cmp.Compare(a.ID, b.ID))
	})
	return list, nil
}
