package retention

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestPutFavorite covers the checks of putFavorite in order.
func TestPutFavorite(t *testing.T) {
	w := newWorld(t)
	w.person("bob#a.test")
	self := w.seal("bob#a.test", "bob#a.test", 60, "bob#a.test")
	tests := []struct {
		name   string
		caller string
		id     string // "" means the envelope's own
		body   []byte
		status int
		code   string
	}{
		// happy path: an envelope to self, under its id.
		{"to self", "bob#a.test", "", self, http.StatusNoContent, ""},
		// happy path: the same again replaces it.
		{"again", "bob#a.test", "", self, http.StatusNoContent, ""},
		// sad path: no token.
		{"anonymous", "", "", self, http.StatusUnauthorized, "unauthorized"},
		// sad path: the path id is another envelope's (FAV-PUT-02).
		{"other id", "bob#a.test", "01HF7YAT00011WPRHPQ49SFGWC", self, http.StatusBadRequest, "bad_request"},
		// sad path: the path id is no ULID.
		{"bad id", "bob#a.test", "nope", self, http.StatusBadRequest, "bad_request"},
		// sad path: not from and to the caller (FAV-PUT-01).
		{"from another", "bob#a.test", "", w.seal("carol#a.test", "bob#a.test", 60), http.StatusForbidden, "forbidden"},
		// sad path: someone else's favorite.
		{"other owner", "carol#a.test", "", self, http.StatusForbidden, "forbidden"},
		// sad path: keys wrap for someone else too (FAV-PUT-02).
		{"extra key", "bob#a.test", "", w.seal("bob#a.test", "bob#a.test", 60, "bob#a.test", "carol#a.test"), http.StatusBadRequest, "bad_request"},
		// sad path: not JSON.
		{"not json", "bob#a.test", "01HF7YAT00011WPRHPQ49SFGWC", []byte(`{`), http.StatusBadRequest, "bad_request"},
		// sad path: another version.
		{"version 2", "bob#a.test", "", []byte(strings.Replace(string(self), `"v":1`, `"v":2`, 1)), http.StatusBadRequest, "unsupported_version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := tt.id
			if id == "" {
				id = idOf(t, tt.body)
			}
			wantCode(t, w.do(http.MethodPut, "/emsg/v1/favorites/"+id, tt.caller, tt.body), tt.status, tt.code)
		})
	}
	if got := w.list("bob#a.test"); len(got) != 1 || idOf(t, got[0]) != idOf(t, self) {
		t.Errorf("bob's favorites: %s, want only %s", got, idOf(t, self))
	}
}

// TestFavoritesNeverExpire: a favorite outlives its ttl and every sweep
// (FAV-KEEP-01) until its owner deletes it; deleting it twice is
// not_found (FAV-DELETE-01).
func TestFavoritesNeverExpire(t *testing.T) {
	w := newWorld(t)
	w.person("bob#a.test")
	fav := w.seal("bob#a.test", "bob#a.test", 1, "bob#a.test")
	id := idOf(t, fav)
	wantCode(t, w.do(http.MethodPut, "/emsg/v1/favorites/"+id, "bob#a.test", fav), http.StatusNoContent, "")
	w.clock.advance(365 * 24 * time.Hour)
	if err := w.sweep.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := w.list("bob#a.test"); len(got) != 1 {
		t.Fatalf("after a year bob has %d favorites, want 1", len(got))
	}
	wantCode(t, w.do(http.MethodDelete, "/emsg/v1/favorites/"+id, "bob#a.test", nil), http.StatusNoContent, "")
	wantCode(t, w.do(http.MethodDelete, "/emsg/v1/favorites/"+id, "bob#a.test", nil), http.StatusNotFound, "not_found")
	wantCode(t, w.do(http.MethodDelete, "/emsg/v1/favorites/"+id, "", nil), http.StatusUnauthorized, "unauthorized")
	if got := w.list("bob#a.test"); len(got) != 0 {
		t.Errorf("after the delete bob has %d favorites, want none", len(got))
	}
}

// list returns the favorites of caller.
func (w *world) list(caller string) []json.RawMessage {
	w.t.Helper()
	a := w.do(http.MethodGet, "/emsg/v1/favorites", caller, nil)
	var l struct{ Favorites []json.RawMessage }
	if a.status != http.StatusOK || json.Unmarshal(a.body, &l) != nil {
		w.t.Fatalf("list favorites: %d %s", a.status, a.body)
	}
	return l.Favorites
}
