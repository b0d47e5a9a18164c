package contacts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// The server under test answers for a.test; d.test is another server.
const (
	domain = "a.test"
	remote = "d.test"
)

// epoch is the time every seeded clock of these tests reads.
var epoch = time.UnixMilli(1_700_000_000_000)

// fixture is a contacts service on a fresh store with some local accounts.
type fixture struct {
	t      *testing.T
	st     *store.Store
	svc    *Service
	mux    *httpapi.Mux
	woken  *recorder
	people map[string]*keys.Identity // by local part
	first  map[string]*keys.Identity // keys replaced by rotate, by local part
}

// newFixture starts the service with an active account for each local
// part, all accepting requests.
func newFixture(t *testing.T, locals ...string) *fixture {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cfg := config.Defaults()
	cfg.Domain = domain
	f := &fixture{t: t, st: st, woken: &recorder{}, people: map[string]*keys.Identity{}, mux: httpapi.NewMux()}
	f.svc = New(st, cfg, wire.Seeded("contacts "+t.Name(), epoch), fakeAuth, f.woken)
	f.svc.Routes(f.mux)
	for _, local := range locals {
		f.addAccount(local)
	}
	return f
}

// fakeAuth accepts "Bearer tok-<address>" for any address.
func fakeAuth(r *http.Request) (address.Address, error) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer tok-")
	if !ok {
		return address.Address{}, httpapi.Errorf("unauthorized", "no token")
	}
	return address.ParseCanonical(token)
}

// recorder is a Notifier that remembers whom it woke.
type recorder struct {
	mu    sync.Mutex
	woken []string
}

func (r *recorder) Notify(a address.Address) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.woken = append(r.woken, a.String())
}

// take returns and forgets the addresses woken so far.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.woken
	r.woken = nil
	return w
}

// addr is the address of a local part on the server under test.
func addr(local string) address.Address { return address.MustParse(local + "#" + domain) }

// token is the Authorization header of a local account.
func token(local string) string { return "Bearer tok-" + addr(local).String() }

// identity makes the keys of a (local or remote) address, seeded by it.
func identity(t *testing.T, a address.Address) *keys.Identity {
	t.Helper()
	id, err := keys.NewIdentity(wire.Seeded("identity "+a.String(), epoch), a)
	if err != nil {
		t.Fatalf("identity %s: %v", a, err)
	}
	return id
}

// addAccount registers local directly in the store with its first bundle.
func (f *fixture) addAccount(local string) *keys.Identity {
	f.t.Helper()
	id := identity(f.t, addr(local))
	f.people[local] = id
	acct := store.Account{Address: addr(local).String(), State: store.StateActive, Created: wire.ToMillis(epoch),
		Settings: store.Settings{AcceptRequests: true, TTL: 604800, Typing: true, Presence: true}}
	f.write(func(tx *store.Tx) error {
		if err := tx.PutAccount(acct); err != nil {
			return err
		}
		return tx.AppendBundle(acct.Address, canonicalBundle(f.t, id))
	})
	return id
}

// setClock makes the service's clock read now.
func (f *fixture) setClock(now time.Time) {
	f.svc.mu.Lock()
	defer f.svc.mu.Unlock()
	f.svc.deps.Now = func() time.Time { return now }
}

// setAccount changes the stored account of local.
func (f *fixture) setAccount(local string, change func(*store.Account)) {
	f.t.Helper()
	f.write(func(tx *store.Tx) error {
		a, _, err := tx.GetAccount(addr(local).String())
		if err != nil {
			return err
		}
		change(&a)
		return tx.PutAccount(a)
	})
}

// write runs op in a store transaction or fails the test.
func (f *fixture) write(op func(*store.Tx) error) {
	f.t.Helper()
	if err := f.st.Update(context.Background(), op); err != nil {
		f.t.Fatalf("store update: %v", err)
	}
}

// canonicalBundle is the wire form of id's bundle.
func canonicalBundle(t *testing.T, id *keys.Identity) []byte {
	t.Helper()
	raw, err := id.Bundle().Canonical()
	if err != nil {
		t.Fatalf("bundle of %s: %v", id.Address(), err)
	}
	return raw
}

// bundleOf is the wire form of the bundle of a local account.
func (f *fixture) bundleOf(local string) []byte { return canonicalBundle(f.t, f.people[local]) }

// call is one HTTP exchange with the service.
type call struct {
	method, target, auth string
	body                 []byte
	contentType          string // default application/json when body is set
	// standIn, for a request that deliberately breaks client.yaml, is a
	// conforming request of the same operation ("METHOD target" and body):
	// the validator must refuse the request itself, and the answer is
	// checked against the operation through the stand-in.
	standIn     string
	standInBody []byte
}

// do sends c and checks the exchange against spec/openapi/client.yaml; it
// returns the status and the body of the answer.
func (f *fixture) do(c call) (int, []byte) {
	f.t.Helper()
	req := newRequest(c.method, c.target, c.auth, c.body, c.contentType)
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, req)
	resp := rec.Result()
	body, _ := io.ReadAll(resp.Body)
	err := spec.ValidateExchange(spec.ClientAPI, req, c.body, resp, body)
	if c.standIn == "" {
		if err != nil {
			f.t.Errorf("%s %s: the exchange breaks the spec: %v\n%s", c.method, c.target, err, body)
		}
		return resp.StatusCode, body
	}
	var xe *spec.ExchangeError
	if !errors.As(err, &xe) || xe.Phase != spec.PhaseRequest {
		f.t.Errorf("%s %s: the validator should refuse this request, got %v", c.method, c.target, err)
	}
	method, target, _ := strings.Cut(c.standIn, " ")
	stand := newRequest(method, target, c.auth, c.standInBody, "")
	if err := spec.ValidateExchange(spec.ClientAPI, stand, c.standInBody, resp, body); err != nil {
		f.t.Errorf("%s %s: the answer breaks the spec: %v\n%s", c.method, c.target, err, body)
	}
	return resp.StatusCode, body
}

func newRequest(method, target, auth string, body []byte, contentType string) *http.Request {
	req := httptest.NewRequest(method, "http://"+domain+target, bytes.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if contentType == "" && body != nil {
		contentType = "application/json"
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

// errorCode is the "error" member of an error answer.
func errorCode(body []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	return e.Error
}

// requestBody is a POST /contacts/requests body.
func requestBody(t *testing.T, to string, bundle []byte, note string) []byte {
	t.Helper()
	m := map[string]any{"to": to, "bundle": json.RawMessage(bundle)}
	if note != "" {
		m["note"] = note
	}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// bundleBodyOf is an accept body.
func bundleBodyOf(bundle []byte) []byte {
	return []byte(`{"bundle":` + string(bundle) + `}`)
}

// request sends from's request (with its current bundle) to the address
// to and returns the status and the id answered.
func (f *fixture) request(from, to string) (int, string) {
	f.t.Helper()
	status, body := f.do(call{method: "POST", target: "/emsg/v1/contacts/requests", auth: token(from),
		body: requestBody(f.t, to, f.bundleOf(from), "")})
	var a struct{ ID string }
	_ = json.Unmarshal(body, &a)
	return status, a.ID
}

// answer accepts or declines, as local, the request of the address from.
func (f *fixture) answer(local, verb, from string) (int, []byte) {
	f.t.Helper()
	c := call{method: "POST", target: "/emsg/v1/contacts/requests/" + pathEscape(from) + "/" + verb, auth: token(local)}
	if verb == "accept" {
		c.body = bundleBodyOf(f.bundleOf(local))
	}
	return f.do(c)
}

// pathEscape writes an address as a path segment.
func pathEscape(a string) string { return strings.ReplaceAll(a, "#", "%23") }

// events returns the unacknowledged events of local, each checked against
// spec/schemas/stream-event.json.
func (f *fixture) events(local string) []map[string]any {
	f.t.Helper()
	var evs []store.Event
	err := f.st.View(func(tx *store.Tx) (err error) {
		evs, err = tx.Events(addr(local).String(), 0, 1000)
		return err
	})
	if err != nil {
		f.t.Fatalf("events of %s: %v", local, err)
	}
	return decodeChecked(f.t, "stream-event", evs, func(e store.Event) []byte { return e.Data })
}

// queue returns the items queued for domain d, each checked against
// spec/schemas/fed-item.json.
func (f *fixture) queue(d string) []map[string]any {
	f.t.Helper()
	var items []store.QueueItem
	err := f.st.View(func(tx *store.Tx) (err error) {
		items, err = tx.Peek(d, 1000)
		return err
	})
	if err != nil {
		f.t.Fatalf("queue of %s: %v", d, err)
	}
	return decodeChecked(f.t, "fed-item", items, func(q store.QueueItem) []byte { return q.Data })
}

func decodeChecked[T any](t *testing.T, schema string, list []T, data func(T) []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, x := range list {
		raw := data(x)
		if err := spec.ValidateJSON(schema, raw); err != nil {
			t.Errorf("%s breaks %s.json: %v", raw, schema, err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("decode %s: %v", raw, err)
		}
		out = append(out, m)
	}
	return out
}

// states returns the contact records of local as address → state.
func (f *fixture) states(local string) map[string]string {
	f.t.Helper()
	out := map[string]string{}
	for _, c := range f.records(local) {
		out[c.Address] = c.State
	}
	return out
}

// records returns the contact records of local.
func (f *fixture) records(local string) []store.Contact {
	f.t.Helper()
	var list []store.Contact
	err := f.st.View(func(tx *store.Tx) (err error) {
		list, err = tx.Contacts(addr(local).String())
		return err
	})
	if err != nil {
		f.t.Fatalf("contacts of %s: %v", local, err)
	}
	return list
}

// list is GET /contacts of local.
func (f *fixture) list(local string) []entry {
	f.t.Helper()
	status, body := f.do(call{method: "GET", target: "/emsg/v1/contacts", auth: token(local)})
	if status != http.StatusOK {
		f.t.Fatalf("GET /contacts: %d %s", status, body)
	}
	var l struct{ Contacts []entry }
	if err := json.Unmarshal(body, &l); err != nil {
		f.t.Fatal(err)
	}
	return l.Contacts
}

// pending is GET /contacts/requests of local.
func (f *fixture) pending(local string) []Request {
	f.t.Helper()
	status, body := f.do(call{method: "GET", target: "/emsg/v1/contacts/requests", auth: token(local)})
	if status != http.StatusOK {
		f.t.Fatalf("GET /contacts/requests: %d %s", status, body)
	}
	var l struct{ Requests []Request }
	if err := json.Unmarshal(body, &l); err != nil {
		f.t.Fatal(err)
	}
	return l.Requests
}

// kinds lists the kind member of events or items.
func kinds(list []map[string]any) []string {
	var out []string
	for _, m := range list {
		out = append(out, m["kind"].(string))
	}
	return out
}

// wantStates fails unless local's records are exactly want.
func (f *fixture) wantStates(local string, want map[string]string) {
	f.t.Helper()
	got := f.states(local)
	if len(got) != len(want) {
		f.t.Errorf("contacts of %s: got %v, want %v", local, got, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			f.t.Errorf("contacts of %s: got %v, want %v", local, got, want)
			return
		}
	}
}

// wantWoken fails unless exactly these addresses were notified since the
// last check.
func (f *fixture) wantWoken(want ...string) {
	f.t.Helper()
	got := f.woken.take()
	if !slices.Equal(got, want) {
		f.t.Errorf("notified %v, want %v", got, want)
	}
}

// jsonEqual reports whether a decoded member holds the JSON raw.
func jsonEqual(t *testing.T, member any, raw []byte) bool {
	t.Helper()
	got, err := json.Marshal(member)
	if err != nil {
		t.Fatal(err)
	}
	var want any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	w, _ := json.Marshal(want)
	return bytes.Equal(got, w)
}
