package migration

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// importAccount is importAccount: the checks of the package doc ("Export
// and import"), then the export is applied in one store operation and the
// account data as restored is the answer (200).
func (s *Service) importAccount(w http.ResponseWriter, r *http.Request) {
	me, err := s.auth(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	if err := s.doImport(r, me); err != nil {
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

// doImport reads, checks and applies the export me posted.
func (s *Service) doImport(r *http.Request, me address.Address) error {
	raw, err := readRaw(r, maxImportBytes)
	if err != nil {
		return err
	}
	x, err := account.ParseExport(raw)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := fits("export-bundle", raw); err != nil {
		return err
	}
	if err := x.Verify(x.Bundle.SignPublic()); err != nil {
		return httpapi.Errorf("bad_signature", "the export does not verify with its own bundle: %v", err)
	}
	rows, err := importRows(x)
	if err != nil {
		return err
	}
	return s.st.Update(r.Context(), func(tx *store.Tx) error {
		key, err := currentKey(tx, me)
		if err != nil {
			return err
		}
		if !key.Equal(x.Bundle.SignPublic()) {
			return httpapi.Errorf("forbidden", "the export is signed by another key than %s's current one", me)
		}
		return s.apply(tx, me, x, rows)
	})
}

// rows is what an export writes, encoded before the store operation.
type rows struct {
	contacts  []store.Contact
	favorites map[string][]byte // by envelope id
}

// importRows encodes the contacts and favorites of x.
func importRows(x *account.Export) (rows, error) {
	out := rows{favorites: map[string][]byte{}}
	for _, c := range x.Contacts {
		b, err := c.Bundle.Canonical()
		if err != nil {
			return rows{}, fmt.Errorf("encode bundle of %s: %w", c.Address, err)
		}
		out.contacts = append(out.contacts, store.Contact{Address: c.Address.String(), State: c.State, Bundle: b, Updated: x.Created})
	}
	for i, f := range x.Favorites {
		var head struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(f, &head); err != nil || head.ID == "" {
			return rows{}, httpapi.Errorf("bad_request", "favorite %d has no id", i)
		}
		out.favorites[head.ID] = f
	}
	return out, nil
}

// apply writes the contacts, settings and favorites of x for me,
// replacing what me had under the same keys (IMPORT-APPLY-01,
// IMPORT-IDEM-01). The ttl is bounded by this server's max_ttl.
func (s *Service) apply(tx *store.Tx, me address.Address, x *account.Export, r rows) error {
	acct, ok, err := tx.GetAccount(me.String())
	if err != nil || !ok {
		return fmt.Errorf("import for %s: %w", me, orNotFound(err))
	}
	acct.Settings = store.Settings{AcceptStrangers: x.Settings.AcceptStrangers, AcceptRequests: x.Settings.AcceptRequests,
		TTL: int(min(x.Settings.TTL, int64(s.cfg.MaxTTL))), Typing: x.Settings.Typing, Presence: x.Settings.Presence}
	if err := tx.PutAccount(acct); err != nil {
		return err
	}
	for _, c := range r.contacts {
		if c.Address == me.String() {
			continue
		}
		if err := tx.PutContact(me.String(), c); err != nil {
			return err
		}
	}
	for id, f := range r.favorites {
		if err := tx.PutFavorite(me.String(), id, f); err != nil {
			return err
		}
	}
	return nil
}
