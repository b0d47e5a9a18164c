package admin

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// The admin signature's checks, in the federation order, each with its
// code (the admin.yaml description); nothing is changed by a refused
// request.
func TestAdminRefusesRequestsNotSignedByAnOperator(t *testing.T) {
	l := newLab(t)
	const target = "/emsg/v1/admin/accounts/bob%23a.test/suspend"
	l.account("bob#a.test", "active", "tok-bob")
	stranger, err := fedsig.NewServerKey(wire.Seeded("stranger", testNow), "ed25519:op2")
	if err != nil {
		t.Fatal(err)
	}
	strangerSig, _ := fedsig.SignAdmin(wire.Seeded("s", testNow), stranger, "POST", target, "a.test", nil)
	fedSig, _ := fedsig.Sign(wire.Seeded("s", testNow), l.key, "POST", target, "a.test", "a.test", nil)
	valid := l.sign("POST", target, "a.test", nil, 0)
	tests := []struct {
		name   string
		auth   string
		tamper func(r *http.Request)
		status int
		code   string
	}{
		// No EMSG-Admin header at all.
		{"no Authorization", "-", nil, 401, "unauthorized"},
		// An account's bearer token never opens the admin API (ADMIN-TOKEN-01).
		{"a bearer token", "Bearer tok-bob", nil, 401, "unauthorized"},
		// A federation signature is not an operator's.
		{"the federation scheme", fedSig, nil, 401, "unauthorized"},
		// The header does not parse.
		{"a header that does not parse", "EMSG-Admin nonsense", nil, 400, "bad_request"},
		// The origin must be admin.
		{"another origin", strings.Replace(valid, `origin="admin"`, `origin="a.test"`, 1), nil, 400, "bad_request"},
		// Signed for another server.
		{"another destination", l.sign("POST", target, "b.test", nil, 0), nil, 403, "forbidden"},
		// Outside ±5 minutes.
		{"a stale signature", l.sign("POST", target, "a.test", nil, -6*time.Minute), nil, 401, "unauthorized"},
		// A key the server does not know.
		{"an unknown operator key", strangerSig, nil, 401, "unauthorized"},
		// Signed for another target: the signature fails.
		{"another target", l.sign("POST", "/emsg/v1/admin/accounts/carol%23a.test/suspend", "a.test", nil, 0), nil, 401, "bad_signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l.want(request{method: "POST", target: target, auth: tt.auth, tamper: tt.tamper}, tt.status, tt.code)
			if got := l.stateOf("bob#a.test"); got != "active" {
				t.Fatalf("a refused request left bob %s", got)
			}
		})
	}
}

// A server without operator keys offers no admin API.
func TestNoOperatorKeyNoAdminAPI(t *testing.T) {
	l := newLab(t)
	svc, err := New(l.st, l.cfgWithoutKeys(), wire.System(), l.live, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	l.mux = newMux(svc)
	l.want(request{method: "GET", target: "/emsg/v1/admin/stats"}, 404, "not_found")
}
