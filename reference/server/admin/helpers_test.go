package admin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/policy"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// pathAddress is the address segment of an account operation's path.
var pathAddress = regexp.MustCompile(`/accounts/[^/]+`)

// testNow is the lab's clock at the start.
var testNow = time.UnixMilli(1_700_000_000_000)

// lab is one a.test admin service with an operator key.
type lab struct {
	t       *testing.T
	now     time.Time
	key     fedsig.ServerKey // the operator's
	st      *store.Store
	live    *policy.Live
	mux     *httpapi.Mux
	groups  map[string]bool // groups "hosted" (HostsGroup)
	mu      sync.Mutex
	revoked []string // Revoke calls
}

func newLab(t *testing.T) *lab {
	t.Helper()
	key, err := fedsig.NewServerKey(wire.Seeded("operator", testNow), "ed25519:op1")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	cfg.Domain, cfg.DataDir = "a.test", t.TempDir()
	cfg.AdminKeys = []string{key.ID + "=" + wire.EncodeBytes(key.Public())}
	l := &lab{t: t, now: testNow, key: key, groups: map[string]bool{"lobby#a.test": true}}
	if l.st, err = store.Open(cfg.DataDir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.st.Close() })
	if l.live, err = policy.Open(cfg); err != nil {
		t.Fatal(err)
	}
	deps := wire.Deps{Rand: wire.NewSeededReader("admin"), Now: func() time.Time { return l.now }}
	svc, err := New(l.st, cfg, deps, l.live, Hooks{
		Revoke:     func(a address.Address) { l.mu.Lock(); l.revoked = append(l.revoked, a.String()); l.mu.Unlock() },
		HostsGroup: func(g string) bool { return l.groups[g] },
		Groups:     func() int { return len(l.groups) },
	})
	if err != nil {
		t.Fatal(err)
	}
	l.mux = httpapi.NewMux()
	svc.Routes(l.mux)
	return l
}

// request is one admin request a test sends.
type request struct {
	method, target string
	body           []byte
	// auth, when set, replaces the operator's signature with this
	// Authorization value ("-" sends none).
	auth string
	// tamper changes the signed request before it is sent.
	tamper func(r *http.Request)
}

// sign returns the operator's Authorization for method, target and body
// at the lab's clock shifted by skew, for destination dest.
func (l *lab) sign(method, target, dest string, body []byte, skew time.Duration) string {
	l.t.Helper()
	h, err := fedsig.SignAdmin(wire.Seeded("sign", l.now.Add(skew)), l.key, method, target, dest, body)
	if err != nil {
		l.t.Fatal(err)
	}
	return h
}

// build makes the http.Request of rq.
func (l *lab) build(rq request) *http.Request {
	r := httptest.NewRequest(rq.method, rq.target, bytes.NewReader(rq.body))
	r.Host = "a.test"
	if rq.body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	switch rq.auth {
	case "":
		r.Header.Set("Authorization", l.sign(rq.method, rq.target, "a.test", rq.body, 0))
	case "-":
	default:
		r.Header.Set("Authorization", rq.auth)
	}
	if rq.tamper != nil {
		rq.tamper(r)
	}
	return r
}

// do sends rq and checks the exchange against admin.yaml. A request that
// itself breaks the document (a test of a bad request) has its answer
// checked against a valid stand-in: the same operation, properly signed.
func (l *lab) do(rq request) (int, []byte) {
	l.t.Helper()
	rec := httptest.NewRecorder()
	l.mux.ServeHTTP(rec, l.build(rq))
	resp := rec.Result()
	body, _ := io.ReadAll(resp.Body)
	err := spec.ValidateExchange(spec.AdminAPI, l.build(rq), rq.body, resp, body)
	var xe *spec.ExchangeError
	if errors.As(err, &xe) && xe.Phase == spec.PhaseRequest {
		standIn := rq
		standIn.auth, standIn.tamper = "", nil
		standIn.target = pathAddress.ReplaceAllString(rq.target, "/accounts/x%23a.test")
		if rq.method == http.MethodPut {
			ex, _ := spec.SchemaExamples("admin-policy")
			standIn.body = ex[0]
		}
		err = spec.ValidateExchange(spec.AdminAPI, l.build(standIn), standIn.body, resp, body)
	}
	if err != nil {
		l.t.Errorf("%s %s: the answer breaks the spec: %v\n%s", rq.method, rq.target, err, body)
	}
	return resp.StatusCode, body
}

// want fails the test unless the answer has status and, when code is not
// "", that error code.
func (l *lab) want(rq request, status int, code string) []byte {
	l.t.Helper()
	got, body := l.do(rq)
	if got != status || (code != "" && !strings.Contains(string(body), `"error":"`+code+`"`)) {
		l.t.Fatalf("%s %s: got %d %s, want %d %s", rq.method, rq.target, got, body, status, code)
	}
	return body
}

// account stores an account of state at addr, with one token.
func (l *lab) account(addr, state, token string) {
	l.t.Helper()
	err := l.st.Update(context.Background(), func(tx *store.Tx) error {
		if err := tx.PutAccount(store.Account{Address: addr, State: state, Created: wire.ToMillis(testNow)}); err != nil {
			return err
		}
		if token == "" {
			return nil
		}
		return tx.PutToken(store.HashToken(token), addr, wire.ToMillis(testNow.Add(time.Hour)))
	})
	if err != nil {
		l.t.Fatal(err)
	}
}

// stateOf returns the stored state of addr ("" without a record).
func (l *lab) stateOf(addr string) string {
	l.t.Helper()
	var state string
	_ = l.st.View(func(tx *store.Tx) error {
		a, _, err := tx.GetAccount(addr)
		state = a.State
		return err
	})
	return state
}

// tokenWorks reports whether token still names an account.
func (l *lab) tokenWorks(token string) bool {
	var err error
	_ = l.st.View(func(tx *store.Tx) error {
		_, err = tx.TokenAccount(store.HashToken(token), wire.ToMillis(l.now))
		return nil
	})
	return err == nil
}

// cfgWithoutKeys is a.test's configuration with no operator key.
func (l *lab) cfgWithoutKeys() config.Config {
	cfg := config.Defaults()
	cfg.Domain, cfg.DataDir = "a.test", l.t.TempDir()
	return cfg
}

// newMux routes svc's operations.
func newMux(svc *Service) *httpapi.Mux {
	m := httpapi.NewMux()
	svc.Routes(m)
	return m
}
