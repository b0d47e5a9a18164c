package retention

import (
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// FuzzCheckFavorite: any body and id is accepted or refused with one of
// putFavorite's codes, never a panic or an internal error.
func FuzzCheckFavorite(f *testing.F) {
	w := newWorld(f)
	self := w.seal("bob#a.test", "bob#a.test", 60, "bob#a.test")
	f.Add(idOf(f, self), self)
	f.Add("01HF7YAT00011WPRHPQ49SFGWC", []byte(`{"v":1}`))
	f.Add("x", []byte(`[]`))
	owner := address.MustParse("bob#a.test")
	f.Fuzz(func(t *testing.T, id string, body []byte) {
		err := CheckFavorite(owner, id, body)
		if err == nil {
			return
		}
		switch code := httpapi.AsError(err).Code; code {
		case "bad_request", "bad_address", "unsupported_version", "forbidden", "too_large":
		default:
			t.Errorf("CheckFavorite(%q, %q) = %s, want a putFavorite code", id, body, code)
		}
	})
}
