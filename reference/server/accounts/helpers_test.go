package accounts

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// domain is the test server's domain.
const domain = "a.test"

// t0 is when every test starts.
var t0 = time.UnixMilli(1_700_000_000_000)

// clock is a test clock that moves only when told.
type clock struct{ ms atomic.Int64 }

func (c *clock) Now() time.Time          { return time.UnixMilli(c.ms.Load()) }
func (c *clock) advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }
func (c *clock) millis() wire.Millis     { return wire.Millis(c.ms.Load()) }
func (c *clock) deps(seed string) wire.Deps {
	return wire.Deps{Rand: wire.NewSeededReader(seed), Now: c.Now}
}

// harness is one account service on a fresh store, reached through its
// routes, with a clock the test moves.
type harness struct {
	t     *testing.T
	st    *store.Store
	svc   *Service
	cfg   config.Config
	mux   *httpapi.Mux
	clock *clock
	seq   int // distinguishes the seeds of the identities made here
}

// newHarness builds a service for domain with the default configuration,
// changed by opts.
func newHarness(t *testing.T, opts ...func(*config.Config)) *harness {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cfg := config.Defaults()
	cfg.Domain = domain
	for _, o := range opts {
		o(&cfg)
	}
	h := &harness{t: t, st: st, cfg: cfg, mux: httpapi.NewMux(), clock: &clock{}}
	h.clock.ms.Store(t0.UnixMilli())
	h.svc = New(st, cfg, h.clock.deps("server "+t.Name()))
	h.svc.Routes(h.mux)
	return h
}

// call is one request to the service.
type call struct {
	method string
	target string // path and query
	token  string // sent as Authorization: Bearer, when not ""
	body   []byte // sent as application/json, when not nil
	ctype  string // overrides the Content-Type of body
}

// reply is the service's answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// code returns the error code of an error answer ("" for none).
func (r reply) code() string {
	var e struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(r.body, &e)
	return e.Error
}

// serve sends c through the routes without checking it against the spec.
func (h *harness) serve(c call) (*http.Request, reply) {
	req := httptest.NewRequest(c.method, "http://"+domain+c.target, bytes.NewReader(c.body))
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.ctype != "" {
		req.Header.Set("Content-Type", c.ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	rec := httptest.NewRecorder()
	h.mux.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return req, reply{status: rec.Code, header: rec.Result().Header, body: body}
}

// send sends c, a request the spec allows, and fails the test unless the
// request and the answer follow client.yaml.
func (h *harness) send(c call) reply {
	h.t.Helper()
	req, rep := h.serve(c)
	h.validate(req, c.body, rep)
	return rep
}

// sendInvalid sends c, a request the spec does not allow (a body that
// breaks its schema, a wrong Content-Type, an address not in canonical
// form): it checks that ValidateExchange indeed refuses the request, then
// checks the answer against the operation of standIn, a valid request to
// the same operation.
func (h *harness) sendInvalid(c, standIn call) reply {
	h.t.Helper()
	req, rep := h.serve(c)
	var ee *spec.ExchangeError
	err := spec.ValidateExchange(spec.ClientAPI, req, c.body, nil, nil)
	if !errors.As(err, &ee) || ee.Phase != spec.PhaseRequest {
		h.t.Errorf("%s %s: the request was meant to break the spec, but ValidateExchange says %v", c.method, c.target, err)
	}
	stand, _ := h.requestOf(standIn)
	if err := spec.ValidateExchange(spec.ClientAPI, stand, standIn.body, nil, nil); err != nil {
		h.t.Fatalf("the stand-in request is not valid: %v", err)
	}
	h.validate(stand, standIn.body, rep)
	return rep
}

// requestOf builds the request of c without sending it.
func (h *harness) requestOf(c call) (*http.Request, []byte) {
	req := httptest.NewRequest(c.method, "http://"+domain+c.target, bytes.NewReader(c.body))
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return req, c.body
}

// validate checks one exchange against client.yaml.
func (h *harness) validate(req *http.Request, reqBody []byte, rep reply) {
	h.t.Helper()
	resp := &http.Response{StatusCode: rep.status, Header: rep.header, Body: io.NopCloser(bytes.NewReader(rep.body)), Request: req}
	if err := spec.ValidateExchange(spec.ClientAPI, req, reqBody, resp, rep.body); err != nil {
		h.t.Errorf("%s %s: the exchange breaks the spec: %v\n%s", req.Method, req.URL, err, rep.body)
	}
}

// want fails the test unless rep has the status and error code ("" for a
// success).
func want(t *testing.T, rep reply, status int, code string) {
	t.Helper()
	if rep.status != status || rep.code() != code {
		t.Fatalf("got %d %s, want %d %q", rep.status, rep.body, status, code)
	}
}

// identity makes a fresh identity for local#domain (or a full address).
func (h *harness) identity(addr string) *keys.Identity {
	h.t.Helper()
	h.seq++
	a, err := address.Parse(addr)
	if err != nil {
		h.t.Fatal(err)
	}
	id, err := keys.NewIdentity(h.clock.deps(h.t.Name()+" identity "+addr+" "+strconv.Itoa(h.seq)), a)
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

// rotate rotates id's keys at the harness clock.
func (h *harness) rotate(id *keys.Identity) *keys.Identity {
	h.t.Helper()
	h.seq++
	next, err := id.Rotate(h.clock.deps(h.t.Name() + " rotate " + strconv.Itoa(h.seq)))
	if err != nil {
		h.t.Fatal(err)
	}
	return next
}

// bundleBytes returns the wire form of id's current bundle.
func bundleBytes(t *testing.T, id *keys.Identity) []byte {
	t.Helper()
	raw, err := id.Bundle().Canonical()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// registerBody is a POST /register body for bundle and invite ("" for
// none).
func registerBody(bundle []byte, invite string) []byte {
	if invite == "" {
		return []byte(`{"bundle":` + string(bundle) + `}`)
	}
	inv, _ := json.Marshal(invite)
	return []byte(`{"bundle":` + string(bundle) + `,"invite":` + string(inv) + `}`)
}

// register registers id and fails the test unless it gets 201.
func (h *harness) register(id *keys.Identity) {
	h.t.Helper()
	rep := h.send(call{method: http.MethodPost, target: "/emsg/v1/register", body: registerBody(bundleBytes(h.t, id), "")})
	want(h.t, rep, http.StatusCreated, "")
}

// challenge asks for a login challenge for addr.
func (h *harness) challenge(addr string) []byte {
	h.t.Helper()
	rep := h.send(call{method: http.MethodPost, target: "/emsg/v1/login/challenge", body: []byte(`{"address":"` + addr + `"}`)})
	want(h.t, rep, http.StatusOK, "")
	var ch challengeResponse
	if err := json.Unmarshal(rep.body, &ch); err != nil {
		h.t.Fatal(err)
	}
	return ch.Challenge
}

// proof signs a login proof for ch at dom with key, at the harness clock
// moved by skew.
func (h *harness) proof(addr address.Address, key ed25519.PrivateKey, ch []byte, dom string, skew time.Duration) []byte {
	h.t.Helper()
	deps := wire.Deps{Rand: wire.NewSeededReader("proof"), Now: func() time.Time { return h.clock.Now().Add(skew) }}
	p, err := account.NewLoginProof(deps, addr, key, ch, dom)
	if err != nil {
		h.t.Fatal(err)
	}
	raw, err := p.Bytes()
	if err != nil {
		h.t.Fatal(err)
	}
	return []byte(`{"proof":` + string(raw) + `}`)
}

// postLogin posts a login body.
func (h *harness) postLogin(body []byte) reply {
	h.t.Helper()
	return h.send(call{method: http.MethodPost, target: "/emsg/v1/login", body: body})
}

// login logs id in with its current key and returns the token.
func (h *harness) login(id *keys.Identity) string {
	h.t.Helper()
	ch := h.challenge(id.Address().String())
	rep := h.postLogin(h.proof(id.Address(), id.SignKey(), ch, domain, 0))
	want(h.t, rep, http.StatusOK, "")
	var tok tokenResponse
	if err := json.Unmarshal(rep.body, &tok); err != nil {
		h.t.Fatal(err)
	}
	return tok.Token
}

// user registers a fresh account local#a.test and logs it in.
func (h *harness) user(local string) (*keys.Identity, string) {
	h.t.Helper()
	id := h.identity(local + "#" + domain)
	h.register(id)
	return id, h.login(id)
}

// setAccount changes an account record directly in the store (what admin,
// migration and deletion will do).
func (h *harness) setAccount(addr string, change func(*store.Account)) {
	h.t.Helper()
	err := h.st.Update(h.t.Context(), func(tx *store.Tx) error {
		acct, _, err := tx.GetAccount(addr)
		if err != nil {
			return err
		}
		change(&acct)
		return tx.PutAccount(acct)
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// signedBundle signs b by hand with sign (and its prev link with prevKey,
// when b.Prev is set), so tests can build bundles an Identity never makes.
func signedBundle(t *testing.T, b keys.Bundle, sign, prevKey ed25519.PrivateKey) []byte {
	t.Helper()
	if b.Prev != nil {
		sig, err := signing.SignField(b, prevKey, "prev", "sig")
		if err != nil {
			t.Fatal(err)
		}
		b.Prev.Sig = sig
	}
	sig, err := signing.Sign(b, sign)
	if err != nil {
		t.Fatal(err)
	}
	b.Sig = sig
	raw, err := canonical.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
