package groups

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// The server under test answers for a.test; b.test is another server.
const (
	domain = "a.test"
	remote = "b.test"
)

// epoch is the time every seeded clock of these tests reads.
var epoch = time.UnixMilli(1_700_000_000_000)

// fixture is a groups service on a fresh store with some local accounts.
type fixture struct {
	t   testing.TB
	st  *store.Store
	svc *Service
	mux *httpapi.Mux
}

// newFixture starts the service with an active account for each local part.
func newFixture(t testing.TB, locals ...string) *fixture {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cfg := config.Defaults()
	cfg.Domain = domain
	f := &fixture{t: t, st: st, mux: httpapi.NewMux()}
	f.svc = New(st, cfg, wire.Seeded("groups "+t.Name(), epoch), fakeAuth, nil)
	f.svc.Routes(f.mux)
	for _, local := range locals {
		f.write(func(tx *store.Tx) error {
			return tx.PutAccount(store.Account{Address: addr(local), State: store.StateActive, Created: wire.ToMillis(epoch)})
		})
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

// addr is the address of a local part on the server under test.
func addr(local string) string { return local + "#" + domain }

// token is the Authorization header of an address (a local part: on a.test).
func token(who string) string {
	if !strings.Contains(who, "#") {
		who = addr(who)
	}
	return "Bearer tok-" + who
}

// write runs op in a store transaction or fails the test.
func (f *fixture) write(op func(*store.Tx) error) {
	f.t.Helper()
	if err := f.st.Update(context.Background(), op); err != nil {
		f.t.Fatalf("store update: %v", err)
	}
}

// do sends one request as who ("" for nobody) and checks the exchange
// against spec/openapi/client.yaml, unless the request itself breaks it
// on purpose (badRequest); it returns the status and the answer.
func (f *fixture) do(who, method, target string, body any, badRequest bool) (int, []byte) {
	f.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		raw, _ = json.Marshal(b)
	}
	req := httptest.NewRequest(method, "http://"+domain+target, bytes.NewReader(raw))
	if who != "" {
		req.Header.Set("Authorization", token(who))
	}
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, req)
	resp := rec.Result()
	out, _ := io.ReadAll(resp.Body)
	err := spec.ValidateExchange(spec.ClientAPI, req, raw, resp, out)
	var xe *spec.ExchangeError
	switch {
	case badRequest && (!errors.As(err, &xe) || xe.Phase != spec.PhaseRequest):
		f.t.Errorf("%s %s: the validator should refuse this request, got %v", method, target, err)
	case !badRequest && err != nil:
		f.t.Errorf("%s %s: the exchange breaks the spec: %v\n%s", method, target, err, out)
	}
	return resp.StatusCode, out
}

// events returns the events of an account, each checked against
// spec/schemas/stream-event.json.
func (f *fixture) events(who string) []map[string]any {
	f.t.Helper()
	var evs []store.Event
	err := f.st.View(func(tx *store.Tx) (err error) {
		evs, err = tx.Events(who, 0, 1000)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	var out []map[string]any
	for _, e := range evs {
		if err := spec.ValidateJSON("stream-event", e.Data); err != nil {
			f.t.Errorf("event of %s breaks stream-event.json: %v\n%s", who, err, e.Data)
		}
		var m map[string]any
		_ = json.Unmarshal(e.Data, &m)
		out = append(out, m)
	}
	return out
}

// last returns the last event of who, or nil.
func (f *fixture) last(who string) map[string]any {
	f.t.Helper()
	evs := f.events(who)
	if len(evs) == 0 {
		return nil
	}
	return evs[len(evs)-1]
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
		f.t.Fatal(err)
	}
	var out []map[string]any
	for _, it := range items {
		if err := spec.ValidateJSON("fed-item", it.Data); err != nil {
			f.t.Errorf("item for %s breaks fed-item.json: %v\n%s", d, err, it.Data)
		}
		var m map[string]any
		_ = json.Unmarshal(it.Data, &m)
		out = append(out, m)
	}
	return out
}

// group returns the stored record of a group.
func (f *fixture) group(a string) store.Group {
	f.t.Helper()
	var g store.Group
	err := f.st.View(func(tx *store.Tx) (err error) {
		g, _, err = tx.GetGroup(a)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return g
}

// create makes the group team#a.test owned by owner.
func (f *fixture) create(owner string) {
	f.t.Helper()
	if status, body := f.do(owner, "POST", "/emsg/v1/groups", map[string]any{"name": "Team", "local": "team"}, false); status != http.StatusCreated {
		f.t.Fatalf("create: %d %s", status, body)
	}
}

// op runs a group operation that must be accepted and returns its id.
func (f *fixture) op(who, method, target string, body any) string {
	f.t.Helper()
	status, out := f.do(who, method, target, body, false)
	if status != http.StatusAccepted {
		f.t.Fatalf("%s %s: %d %s, want 202", method, target, status, out)
	}
	var a struct{ ID string }
	_ = json.Unmarshal(out, &a)
	return a.ID
}

// member makes who (a local part) a member of team#a.test: invited by
// owner, then joined.
func (f *fixture) member(owner, who string) {
	f.t.Helper()
	f.op(owner, "POST", teamPath+"/invites", map[string]any{"address": addr(who)})
	f.op(who, "POST", teamPath+"/join", nil)
}

// teamPath is the path of team#a.test.
const teamPath = "/emsg/v1/groups/team%23a.test"

// team is the address of the group of these tests.
const team = "team#a.test"

// mustAddr parses a canonical address or panics.
func mustAddr(s string) address.Address { return address.MustParse(s) }
