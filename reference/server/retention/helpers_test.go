package retention

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

// testStart is when every test's clock starts.
var testStart = time.UnixMilli(1_700_000_000_000)

// clock is a settable clock for wire.Deps.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// advance moves the clock forward by d.
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// world is one server for a.test: a fresh store, the favorites service and
// the sweeper under test, a fake authenticator (the bearer token is the
// caller's address), a recording notifier and kicker.
type world struct {
	t      testing.TB
	st     *store.Store
	clock  *clock
	svc    *Service
	sweep  *Sweeper
	mux    *httpapi.Mux
	woken  *recorder
	seeds  int
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
	w := &world{t: t, st: st, clock: &clock{now: testStart}, woken: &recorder{}, people: map[string]*keys.Identity{}}
	deps := wire.Deps{Rand: wire.NewSeededReader("server"), Now: w.clock.Now}
	w.svc = New(st, cfg, bearerAuth)
	w.sweep = NewSweeper(st, cfg, deps, w.woken, w.woken)
	w.mux = httpapi.NewMux()
	w.svc.Routes(w.mux)
	return w
}

// person returns the identity of addr; local people also get an account.
func (w *world) person(addr string) *keys.Identity {
	w.t.Helper()
	if id, ok := w.people[addr]; ok {
		return id
	}
	a := address.MustParse(addr)
	id, err := keys.NewIdentity(wire.Seeded("identity:"+addr, testStart), a)
	if err != nil {
		w.t.Fatal(err)
	}
	w.people[addr] = id
	if a.Domain == "a.test" {
		w.update(func(tx *store.Tx) error {
			return tx.PutAccount(store.Account{Address: addr, State: store.StateActive, Created: wire.ToMillis(testStart)})
		})
	}
	return id
}

// update runs op on the store and fails the test on error.
func (w *world) update(op func(*store.Tx) error) {
	w.t.Helper()
	if err := w.st.Update(context.Background(), op); err != nil {
		w.t.Fatal(err)
	}
}

// seal returns an envelope from -> to sealed at the test start with ttl,
// its keys wrapping for readers (to and from when none are named).
func (w *world) seal(from, to string, ttl int, readers ...string) []byte {
	w.t.Helper()
	if len(readers) == 0 {
		readers = []string{to, from}
	}
	recipients := map[address.Address]*[32]byte{}
	for _, r := range readers {
		recipients[address.MustParse(r)] = w.person(r).BoxPublic()
	}
	w.seeds++
	deps := wire.Seeded(fmt.Sprintf("seal:%d", w.seeds), testStart)
	env, _, err := envelope.Seal(deps, w.person(from), address.MustParse(to), recipients, envelope.TextBody("hello"), envelope.Options{TTL: ttl})
	if err != nil {
		w.t.Fatal(err)
	}
	raw, err := json.Marshal(env)
	if err != nil {
		w.t.Fatal(err)
	}
	return raw
}

// deliver appends raw to the log of to as messaging does: an envelope
// event expiring with the envelope.
func (w *world) deliver(to string, raw []byte) uint64 {
	w.t.Helper()
	var env struct {
		TS  wire.Millis `json:"ts"`
		TTL int         `json:"ttl"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		w.t.Fatal(err)
	}
	var seq uint64
	w.update(func(tx *store.Tx) error {
		var err error
		seq, err = tx.AppendEvent(to, append(append([]byte(`{"kind":"envelope","envelope":`), raw...), '}'), env.TS+wire.Millis(env.TTL)*1000)
		return err
	})
	return seq
}

// events returns the stored events of addr, each checked against
// stream-event.json.
func (w *world) events(addr string) []string {
	w.t.Helper()
	var out []string
	err := w.st.View(func(tx *store.Tx) error {
		evs, err := tx.Events(addr, 0, 10000)
		for _, ev := range evs {
			if err := spec.ValidateJSON("stream-event", ev.Data); err != nil {
				w.t.Errorf("event %d of %s breaks stream-event.json: %v\n%s", ev.Seq, addr, err, ev.Data)
			}
			out = append(out, string(ev.Data))
		}
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

// queued returns the items queued for dest, each checked against fed-item.json.
func (w *world) queued(dest string) []string {
	w.t.Helper()
	var out []string
	err := w.st.View(func(tx *store.Tx) error {
		items, err := tx.Peek(dest, 1000)
		for _, it := range items {
			if err := spec.ValidateJSON("fed-item", it.Data); err != nil {
				w.t.Errorf("item for %s breaks fed-item.json: %v\n%s", dest, err, it.Data)
			}
			out = append(out, string(it.Data))
		}
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

// answer is the server's answer to a request.
type answer struct {
	status int
	body   []byte
}

// do sends a request as caller and checks the exchange against the client
// API document.
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
func wantCode(t *testing.T, a answer, status int, code string) {
	t.Helper()
	var e httpapi.Error
	_ = json.Unmarshal(a.body, &e)
	if a.status != status || e.Code != code {
		t.Errorf("got %d %q (%s), want %d %q", a.status, e.Code, a.body, status, code)
	}
}
