package accounts

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// LOGIN-TOKEN-02, STREAM-AUTH-01 (the token part), ADMIN-SUSPEND-02:
// Authenticate accepts a live token of an active account, in the header or
// (for GET /stream only) in the query, and nothing else.
func TestAuthenticate(t *testing.T) {
	tests := []struct {
		name   string
		before func(h *harness, token string) // changes the world after login
		method string
		target string
		header func(token string) string // the Authorization header ("" for none)
		ok     bool
	}{
		// happy path: the header, as documented
		{"bearer header", nil, http.MethodGet, "/emsg/v1/settings", bearer, true},
		// happy path: the scheme name is case-insensitive
		{"lower-case scheme", nil, http.MethodGet, "/emsg/v1/settings", func(tok string) string { return "bearer " + tok }, true},
		// happy path: the stream takes the token in the query
		{"access_token on the stream", nil, http.MethodGet, "/emsg/v1/stream?access_token=", none, true},
		// happy path: the token is good until just before it expires
		{"token about to expire", func(h *harness, _ string) { h.clock.advance(TokenLifetime - time.Millisecond) },
			http.MethodGet, "/emsg/v1/settings", bearer, true},
		// no token at all
		{"no token", nil, http.MethodGet, "/emsg/v1/settings", none, false},
		// another scheme
		{"basic scheme", nil, http.MethodGet, "/emsg/v1/settings", func(tok string) string { return "Basic " + tok }, false},
		// the scheme without a token
		{"empty bearer", nil, http.MethodGet, "/emsg/v1/settings", func(string) string { return "Bearer " }, false},
		// a token this server never issued
		{"unknown token", nil, http.MethodGet, "/emsg/v1/settings", func(string) string { return "Bearer tkn_made_up" }, false},
		// the query is for the stream only
		{"access_token elsewhere", nil, http.MethodGet, "/emsg/v1/settings?access_token=", none, false},
		// and for GET only
		{"access_token on a POST", nil, http.MethodPost, "/emsg/v1/stream?access_token=", none, false},
		// the token's lifetime is over
		{"expired token", func(h *harness, _ string) { h.clock.advance(TokenLifetime) },
			http.MethodGet, "/emsg/v1/settings", bearer, false},
		// LOGIN-LOGOUT-01: logged out
		{"revoked token", func(h *harness, tok string) {
			want(h.t, h.send(call{method: http.MethodPost, target: "/emsg/v1/logout", token: tok}), http.StatusNoContent, "")
		}, http.MethodGet, "/emsg/v1/settings", bearer, false},
		// ADMIN-SUSPEND-02: the account was suspended
		{"suspended account", func(h *harness, _ string) {
			h.setAccount("alice#a.test", func(a *store.Account) { a.State = store.StateSuspended })
		}, http.MethodGet, "/emsg/v1/settings", bearer, false},
		// MOVE-SEND-01: a moved account keeps its tokens; its sends are
		// answered moved by the operations themselves
		{"moved account", func(h *harness, _ string) {
			h.setAccount("alice#a.test", func(a *store.Account) { a.State, a.MovedTo = store.StateMoved, "alice#z.test" })
		}, http.MethodGet, "/emsg/v1/settings", bearer, true},
		// the account was deleted
		{"deleted account", func(h *harness, _ string) {
			h.setAccount("alice#a.test", func(a *store.Account) { a.State = store.StateDeleted })
		}, http.MethodGet, "/emsg/v1/settings", bearer, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			_, tok := h.user("alice")
			if tt.before != nil {
				tt.before(h, tok)
			}
			target := tt.target
			if len(target) > 0 && target[len(target)-1] == '=' {
				target += tok
			}
			r := httptest.NewRequest(tt.method, "http://a.test"+target, nil)
			if v := tt.header(tok); v != "" {
				r.Header.Set("Authorization", v)
			}
			addr, err := h.svc.Authenticate(r)
			switch {
			case tt.ok && (err != nil || addr.String() != "alice#a.test"):
				t.Fatalf("Authenticate: %v, %v; want alice#a.test", addr, err)
			case !tt.ok && err == nil:
				t.Fatalf("Authenticate accepted the request as %v", addr)
			case !tt.ok && httpapi.AsError(err).Code != "unauthorized":
				t.Fatalf("Authenticate: %v, want an unauthorized error", err)
			}
		})
	}
}

func bearer(tok string) string { return "Bearer " + tok }
func none(string) string       { return "" }

// LOGIN-TOKEN-02 on every authenticated operation of this package: no
// token, and an unknown one, are answered 401 unauthorized.
func TestOperationsNeedAToken(t *testing.T) {
	ops := []call{
		{method: http.MethodPost, target: "/emsg/v1/logout"},
		{method: http.MethodGet, target: "/emsg/v1/keys/alice%23a.test"},
		{method: http.MethodPut, target: "/emsg/v1/keys", body: []byte("{}")},
		{method: http.MethodGet, target: "/emsg/v1/settings"},
		{method: http.MethodPatch, target: "/emsg/v1/settings", body: []byte(`{"typing":false}`)},
	}
	h := newHarness(t)
	id, _ := h.user("alice")
	for _, op := range ops {
		if op.method == http.MethodPut {
			op.body = bundleBytes(t, h.rotate(id))
		}
		for _, token := range []string{"", "tkn_made_up"} {
			c := op
			c.token = token
			want(t, h.send(c), http.StatusUnauthorized, "unauthorized")
		}
	}
}
