package migration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// testNow is the server's clock in every test.
var testNow = time.UnixMilli(1_700_000_000_000)

// world is one server for a.test: a fresh store, the service under test,
// a fake authenticator (the bearer token is the caller's address), a
// recording notifier and kicker and fake groups.
type world struct {
	t      testing.TB
	st     *store.Store
	svc    *Service
	mux    *httpapi.Mux
	woken  *recorder
	groups *fakeGroups
	people map[string]*keys.Identity
}

// recorder records the accounts notified and the domains kicked.
type recorder struct {
	mu    sync.Mutex
	woken []string
}

func (r *recorder) Notify(a address.Address) { r.add(a.String()) }
func (r *recorder) Kick(d string)            { r.add("@" + d) }
func (r *recorder) add(s string)             { r.mu.Lock(); r.woken = append(r.woken, s); r.mu.Unlock() }

// fakeGroups records who left their groups.
type fakeGroups struct {
	left []string
}

// join stores a group that member belongs to with role.
func (w *world) join(member, group, role string) {
	w.t.Helper()
	w.update(func(tx *store.Tx) error {
		return tx.PutGroup(store.Group{Address: group, Name: group, Owner: member, Members: []store.GroupMember{{Address: member, Role: role}}})
	})
}

func (g *fakeGroups) LeaveAll(_ context.Context, a address.Address) error {
	g.left = append(g.left, a.String())
	return nil
}

// bearerAuth is the fake [Authenticator]: "Authorization: Bearer <address>".
func bearerAuth(r *http.Request) (address.Address, error) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return address.Address{}, httpapi.Errorf("unauthorized", "no bearer token")
	}
	a, err := address.ParseCanonical(tok)
	if err != nil {
		return address.Address{}, httpapi.Errorf("unauthorized", "unknown token")
	}
	return a, nil
}

func newWorld(t testing.TB) *world {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cfg := config.Defaults()
	cfg.Domain = "a.test"
	w := &world{t: t, st: st, woken: &recorder{}, groups: &fakeGroups{}, people: map[string]*keys.Identity{}}
	w.svc = New(st, cfg, wire.Seeded("server", testNow), bearerAuth, w.woken, w.woken)
	w.svc.SetGroups(w.groups)
	w.mux = httpapi.NewMux()
	w.svc.Routes(w.mux)
	return w
}

// person returns the identity of addr, made on first use; local people
// also get an active account with their bundle and a token.
func (w *world) person(addr string) *keys.Identity {
	w.t.Helper()
	if id, ok := w.people[addr]; ok {
		return id
	}
	a := address.MustParse(addr)
	id, err := keys.NewIdentity(wire.Seeded("identity:"+addr, testNow), a)
	if err != nil {
		w.t.Fatal(err)
	}
	w.people[addr] = id
	if a.Domain == "a.test" {
		w.update(func(tx *store.Tx) error {
			err := tx.PutAccount(store.Account{Address: addr, State: store.StateActive, Created: wire.ToMillis(testNow),
				Settings: store.Settings{AcceptRequests: true, TTL: 604800, Typing: true, Presence: true}})
			if err == nil {
				err = tx.AppendBundle(addr, bundleBytes(w.t, id))
			}
			if err == nil {
				err = tx.PutToken(store.HashToken("token:"+addr), addr, wire.ToMillis(testNow)+3600_000)
			}
			return err
		})
	}
	return id
}

func bundleBytes(t testing.TB, id *keys.Identity) []byte {
	t.Helper()
	raw, err := id.Bundle().Canonical()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// befriend makes a and b accepted contacts of each other, each holding
// the other's bundle (records only for local people).
func (w *world) befriend(a, b string) {
	w.t.Helper()
	for _, p := range [][2]string{{a, b}, {b, a}} {
		owner, other := p[0], p[1]
		w.person(owner)
		if address.MustParse(owner).Domain != "a.test" {
			continue
		}
		bundle := bundleBytes(w.t, w.person(other))
		w.update(func(tx *store.Tx) error {
			return tx.PutContact(owner, store.Contact{Address: other, State: store.ContactAccepted, Bundle: bundle, Updated: 1})
		})
	}
}

// update runs op on the store and fails the test on error.
func (w *world) update(op func(*store.Tx) error) {
	w.t.Helper()
	if err := w.st.Update(context.Background(), op); err != nil {
		w.t.Fatal(err)
	}
}

// view runs op on a read transaction and fails the test on error.
func (w *world) view(op func(*store.Tx) error) {
	w.t.Helper()
	if err := w.st.View(op); err != nil {
		w.t.Fatal(err)
	}
}

// events returns the stored events of addr, each checked against
// stream-event.json.
func (w *world) events(addr string) []string {
	w.t.Helper()
	var out []string
	w.view(func(tx *store.Tx) error {
		evs, err := tx.Events(addr, 0, 10000)
		for _, ev := range evs {
			if err := spec.ValidateJSON("stream-event", ev.Data); err != nil {
				w.t.Errorf("event %d of %s breaks stream-event.json: %v\n%s", ev.Seq, addr, err, ev.Data)
			}
			out = append(out, string(ev.Data))
		}
		return err
	})
	return out
}

// queued returns the items queued for dest, each checked against fed-item.json.
func (w *world) queued(dest string) []string {
	w.t.Helper()
	var out []string
	w.view(func(tx *store.Tx) error {
		items, err := tx.Peek(dest, 1000)
		for _, it := range items {
			if err := spec.ValidateJSON("fed-item", it.Data); err != nil {
				w.t.Errorf("item for %s breaks fed-item.json: %v\n%s", dest, err, it.Data)
			}
			out = append(out, string(it.Data))
		}
		return err
	})
	return out
}

// contact returns the record owner keeps for other ("" state if none).
func (w *world) contact(owner, other string) store.Contact {
	w.t.Helper()
	var c store.Contact
	w.view(func(tx *store.Tx) error {
		var err error
		c, _, err = tx.GetContact(owner, other)
		return err
	})
	return c
}

// accountOf returns the stored account of addr.
func (w *world) accountOf(addr string) store.Account {
	w.t.Helper()
	var a store.Account
	w.view(func(tx *store.Tx) error {
		var err error
		a, _, err = tx.GetAccount(addr)
		return err
	})
	return a
}

// answer is the server's answer to a request.
type answer struct {
	status int
	body   []byte
}

// do sends a request as caller and checks the exchange against the client
// API document (the answer always; the request only when it should fit).
func (w *world) do(method, path, caller string, body []byte) answer {
	w.t.Helper()
	newReq := func() *http.Request {
		req := httptest.NewRequest(method, "http://a.test"+path, bytes.NewReader(body))
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if caller != "" {
			req.Header.Set("Authorization", "Bearer "+caller)
		}
		return req
	}
	rec := httptest.NewRecorder()
	w.mux.ServeHTTP(rec, newReq())
	resp := rec.Result()
	got, _ := io.ReadAll(resp.Body)
	err := spec.ValidateExchange(spec.ClientAPI, newReq(), body, resp, got)
	var xe *spec.ExchangeError
	if err != nil && !(errors.As(err, &xe) && xe.Phase == spec.PhaseRequest) {
		w.t.Errorf("%s %s: the answer breaks the spec: %v\n%s", method, path, err, got)
	}
	return answer{status: resp.StatusCode, body: got}
}

// wantCode checks an answer's status and, for errors, its code.
func wantCode(t testing.TB, a answer, status int, code string) {
	t.Helper()
	var e httpapi.Error
	_ = json.Unmarshal(a.body, &e)
	if a.status != status || e.Code != code {
		t.Errorf("got %d %q (%s), want %d %q", a.status, e.Code, a.body, status, code)
	}
}

// mustJSON encodes v.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// at returns deps reading the test clock moved by d.
func at(d time.Duration) wire.Deps { return wire.Seeded(fmt.Sprint("at", d), testNow.Add(d)) }

// favorite returns a favorite of owner (an envelope to self) and its id.
func (w *world) favorite(owner string) ([]byte, string) {
	w.t.Helper()
	a := address.MustParse(owner)
	id := w.person(owner)
	env, _, err := envelope.Seal(wire.Seeded("fav:"+owner, testNow), id, a, map[address.Address]*[32]byte{a: id.BoxPublic()}, envelope.TextBody("keep"), envelope.Options{TTL: 60})
	if err != nil {
		w.t.Fatal(err)
	}
	return mustJSON(w.t, env), env.ID
}
