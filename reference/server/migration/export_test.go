package migration

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/server/store"
)

// dataOf returns the account data caller reads.
func (w *world) dataOf(caller string) accountDataSeen {
	w.t.Helper()
	a := w.do(http.MethodGet, "/emsg/v1/account/data", caller, nil)
	var x accountDataSeen
	if a.status != http.StatusOK || json.Unmarshal(a.body, &x) != nil {
		w.t.Fatalf("account data of %s: %d %s", caller, a.status, a.body)
	}
	return x
}

// TestAccountDataHoldsWhatAnExportNeeds: accepted and blocked contacts
// with their bundles, groups with roles, settings and favorites; pending
// requests stay out (EXPORT-DATA-01).
func TestAccountDataHoldsWhatAnExportNeeds(t *testing.T) {
	w := newWorld(t)
	w.befriend("alice#a.test", "bob#b.test")
	fav, favID := w.favorite("alice#a.test")
	eve := bundleBytes(t, w.person("eve#b.test"))
	w.update(func(tx *store.Tx) error {
		err := tx.PutContact("alice#a.test", store.Contact{Address: "eve#b.test", State: store.ContactBlocked, Bundle: eve})
		if err == nil {
			err = tx.PutContact("alice#a.test", store.Contact{Address: "carol#c.test", State: store.ContactPendingOut})
		}
		if err == nil {
			err = tx.PutFavorite("alice#a.test", favID, fav)
		}
		return err
	})
	w.join("alice#a.test", "team#a.test", store.RoleAdmin)
	a := w.do(http.MethodGet, "/emsg/v1/account/data", "alice#a.test", nil)
	body := string(a.body)
	for _, want := range []string{`"address":"bob#b.test"`, `"state":"blocked"`, `"role":"admin"`, `"ttl":604800`, `"favorites":[{"v":1,"id":"` + favID} {
		if !strings.Contains(body, want) {
			t.Errorf("account data lacks %s: %s", want, body)
		}
	}
	if strings.Contains(body, "carol") {
		t.Errorf("account data exports a pending request: %s", body)
	}
	wantCode(t, w.do(http.MethodGet, "/emsg/v1/account/data", "", nil), http.StatusUnauthorized, "unauthorized")
}

// exportOf signs the export of id (its contacts: bob, accepted).
func exportOf(t testing.TB, w *world, id *keys.Identity) []byte {
	t.Helper()
	fav, _ := w.favorite(id.Address().String())
	x, err := account.NewExport(at(0), id.SignKey(), account.Export{
		Bundle:    id.Bundle(),
		Favorites: []json.RawMessage{fav},
		Contacts:  []account.Contact{{Address: mustAddr("bob#b.test"), Bundle: w.person("bob#b.test").Bundle(), State: account.StateAccepted}},
		Settings:  account.Settings{AcceptStrangers: true, AcceptRequests: true, TTL: 3600, Typing: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	return mustJSON(t, x)
}

// TestImport covers the checks of importAccount in order, and applying an
// export twice (IMPORT-*).
func TestImport(t *testing.T) {
	w := newWorld(t)
	old := w.person("alice#b.test")
	w.person("alice#a.test") // new keys: her export is not hers
	same := sameKeys(t, w, old, "alice2#a.test")
	good := exportOf(t, w, old)
	tampered := []byte(strings.Replace(string(good), `"ttl":3600`, `"ttl":3601`, 1))
	tests := []struct {
		name   string
		caller string
		body   []byte
		status int
		code   string
	}{
		// sad path: the export is signed by another key than the caller's.
		{"other key", "alice#a.test", good, http.StatusForbidden, "forbidden"},
		// happy path: the caller's key.
		{"same key", same, good, http.StatusOK, ""},
		// happy path: again, the same state.
		{"again", same, good, http.StatusOK, ""},
		// sad path: changed after signing (IMPORT-SIG-01).
		{"tampered", same, tampered, http.StatusUnauthorized, "bad_signature"},
		// sad path: another version.
		{"v2", same, lastReplaced(good, `"v":1`, `"v":2`), http.StatusBadRequest, "unsupported_version"},
		// sad path: not JSON.
		{"not json", same, []byte(`{`), http.StatusBadRequest, "bad_request"},
		// sad path: no token.
		{"anonymous", "", good, http.StatusUnauthorized, "unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, w.do(http.MethodPost, "/emsg/v1/account/import", tt.caller, tt.body), tt.status, tt.code)
		})
	}
	if c := w.contact(same, "bob#b.test"); c.State != store.ContactAccepted || len(c.Bundle) == 0 {
		t.Errorf("after the import %s holds bob as %+v, want accepted with his bundle", same, c)
	}
	if x := w.dataOf(same); len(x.Favorites) != 1 {
		t.Errorf("after the import %s has %d favorites, want the export's 1", same, len(x.Favorites))
	}
	if s := w.accountOf(same).Settings; !s.AcceptStrangers || s.TTL != 3600 || s.Presence {
		t.Errorf("after the import the settings are %+v, want the export's", s)
	}
}

// sameKeys registers local (an address on a.test) with the keys of id,
// as a client that moves does, and returns it.
func sameKeys(t testing.TB, w *world, id *keys.Identity, local string) string {
	t.Helper()
	moved, err := id.MovedTo(at(0), mustAddr(local))
	if err != nil {
		t.Fatal(err)
	}
	w.update(func(tx *store.Tx) error {
		err := tx.PutAccount(store.Account{Address: local, State: store.StateActive, Settings: store.Settings{TTL: 60}})
		if err == nil {
			err = tx.AppendBundle(local, bundleBytes(t, moved))
		}
		return err
	})
	return local
}

func mustAddr(s string) address.Address { return address.MustParse(s) }

// accountDataSeen is what a test reads of account data.
type accountDataSeen struct {
	Contacts  []json.RawMessage
	Favorites []json.RawMessage
}

// lastReplaced returns raw with the last old replaced by new.
func lastReplaced(raw []byte, old, new string) []byte {
	s := string(raw)
	i := strings.LastIndex(s, old)
	return []byte(s[:i] + new + s[i+len(old):])
}
