package migration

import (
	"context"
	"fmt"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// accountData is the answer of GET /account/data and POST /account/import
// (account-data.json).
type accountData struct {
	Contacts  []contactEntry  `json:"contacts"`
	Groups    []account.Group `json:"groups"`
	Settings  store.Settings  `json:"settings"`
	Favorites []rawJSON       `json:"favorites"`
}

// contactEntry is one exported contact: accepted or blocked, with the
// bundle held for it, as received.
type contactEntry struct {
	Address string  `json:"address"`
	Bundle  rawJSON `json:"bundle"`
	State   string  `json:"state"`
}

// rawJSON embeds stored JSON as it is.
type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

// getData is getAccountData (EXPORT-DATA-01).
func (s *Service) getData(w http.ResponseWriter, r *http.Request) {
	me, err := s.auth(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	d, err := s.data(r.Context(), me)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, d)
}

// data reads what the server holds of me, in one read transaction.
func (s *Service) data(ctx context.Context, me address.Address) (accountData, error) {
	var d accountData
	err := s.st.View(func(tx *store.Tx) error {
		var err error
		d, err = storedData(tx, me)
		return err
	})
	if err != nil {
		return accountData{}, fmt.Errorf("account data of %s: %w", me, err)
	}
	return d, nil
}

// storedData reads the contacts, settings and favorites of me. Pending
// requests and blocks of strangers (no bundle) are not exported.
func storedData(tx *store.Tx, me address.Address) (accountData, error) {
	d := accountData{Contacts: []contactEntry{}, Groups: []account.Group{}, Favorites: []rawJSON{}}
	acct, ok, err := tx.GetAccount(me.String())
	if err != nil || !ok {
		return d, fmt.Errorf("no account %s: %w", me, orNotFound(err))
	}
	d.Settings = acct.Settings
	cs, err := tx.Contacts(me.String())
	if err != nil {
		return d, err
	}
	for _, c := range cs {
		exported := c.State == store.ContactAccepted || c.State == store.ContactBlocked
		if exported && len(c.Bundle) > 0 {
			d.Contacts = append(d.Contacts, contactEntry{Address: c.Address, Bundle: c.Bundle, State: c.State})
		}
	}
	favs, err := tx.Favorites(me.String())
	for _, f := range favs {
		d.Favorites = append(d.Favorites, f)
	}
	if err != nil {
		return d, err
	}
	d.Groups, err = memberships(tx, me)
	return d, err
}

// memberships lists the groups me belongs to, with its role, from the
// groups this server hosts or mirrors.
func memberships(tx *store.Tx, me address.Address) ([]account.Group, error) {
	out := []account.Group{}
	names, err := tx.GroupsOf(me.String())
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		g, ok, err := tx.GetGroup(n)
		if err != nil {
			return nil, err
		}
		role := g.Role(me.String())
		a, perr := address.ParseCanonical(n)
		if !ok || g.Dissolved || role == "" || perr != nil {
			continue
		}
		out = append(out, account.Group{Address: a, Role: role})
	}
	return out, nil
}

// orNotFound is err, or store.ErrNotFound when err is nil.
func orNotFound(err error) error {
	if err != nil {
		return err
	}
	return store.ErrNotFound
}
