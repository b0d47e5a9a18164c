package messaging

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
// a fake authenticator (the bearer token is the caller's address) and a
// recording notifier.
type world struct {
	t      *testing.T
	st     *store.Store
	svc    *Service
	mux    *httpapi.Mux
	woken  *recorder
	seeds  int // makes every sealed envelope distinct
	people map[string]*keys.Identity
}

// recorder is a [Notifier] that records whom it woke.
type recorder struct {
	mu    sync.Mutex
	woken []string
}

func (r *recorder) Notify(a address.Address) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.woken = append(r.woken, a.String())
}

// take returns the accounts woken since the last take.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.woken
	r.woken = nil
	return out
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

func newWorld(t *testing.T) *world {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cfg := config.Defaults()
	cfg.Domain = "a.test"
	w := &world{t: t, st: st, woken: &recorder{}, people: map[string]*keys.Identity{}}
	w.svc = New(st, cfg, wire.Seeded("server", testNow), bearerAuth, w.woken)
	w.mux = httpapi.NewMux()
	w.svc.Routes(w.mux)
	return w
}

// person returns the identity of addr, made on first use from seeded
// randomness. Local people also get an active account with the default
// settings (accept_strangers off).
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
	if a.Domain == w.svc.cfg.Domain {
		w.putAccount(store.Account{Address: addr, State: store.StateActive, Created: wire.ToMillis(testNow),
			Settings: store.Settings{AcceptRequests: true, TTL: w.svc.cfg.DefaultTTL, Typing: true, Presence: true}})
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

func (w *world) putAccount(a store.Account) {
	w.t.Helper()
	w.update(func(tx *store.Tx) error { return tx.PutAccount(a) })
}

// setAccount changes the stored account of addr.
func (w *world) setAccount(addr string, change func(*store.Account)) {
	w.t.Helper()
	w.update(func(tx *store.Tx) error {
		a, ok, err := tx.GetAccount(addr)
		if err != nil || !ok {
			return fmt.Errorf("no account %s (%v)", addr, err)
		}
		change(&a)
		return tx.PutAccount(a)
	})
}

// contact gives owner a contact entry for other in state.
func (w *world) contact(owner, other, state string) {
	w.t.Helper()
	w.update(func(tx *store.Tx) error {
		return tx.PutContact(owner, store.Contact{Address: other, State: state, Updated: wire.ToMillis(testNow)})
	})
}

// befriend makes a and b accepted contacts of each other.
func (w *world) befriend(a, b string) {
	w.t.Helper()
	w.person(a)
	w.person(b)
	w.contact(a, b, store.ContactAccepted)
	w.contact(b, a, store.ContactAccepted)
}

// seal returns the JSON of a text envelope from -> to, sealed at now with
// ttl, wrapping the content key for to (and the sender). For a group
// address to, pass the members as readers.
func (w *world) seal(from, to string, at time.Time, ttl int, readers ...string) []byte {
	w.t.Helper()
	return w.sealText(from, to, at, ttl, "hello", readers...)
}

func (w *world) sealText(from, to string, at time.Time, ttl int, text string, readers ...string) []byte {
	w.t.Helper()
	if len(readers) == 0 {
		readers = []string{to}
	}
	recipients := map[address.Address]*[32]byte{}
	for _, r := range readers {
		recipients[address.MustParse(r)] = w.person(r).BoxPublic()
	}
	w.seeds++
	deps := wire.Seeded(fmt.Sprintf("seal:%d", w.seeds), at)
	env, _, err := envelope.Seal(deps, w.person(from), address.MustParse(to), recipients, envelope.TextBody(text), envelope.Options{TTL: ttl})
	if err != nil {
		w.t.Fatal(err)
	}
	raw, err := json.Marshal(env)
	if err != nil {
		w.t.Fatal(err)
	}
	return raw
}

// edit decodes an envelope (or any JSON object), lets change modify it and
// encodes it again: for envelopes Seal would never make.
func edit(t *testing.T, raw []byte, change func(map[string]any)) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	change(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// idOf returns the id of an envelope.
func idOf(t *testing.T, raw []byte) string {
	t.Helper()
	var v struct{ ID string }
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v.ID
}

// call is one client request.
type call struct {
	path        string // "/emsg/v1/messages" or "/emsg/v1/receipts"
	caller      string // bearer token (an address); "" sends none
	body        []byte
	contentType string // "" means application/json
}

// answer is the server's answer to a call.
type answer struct {
	status int
	body   []byte
	// reqErr says how the request breaks the OpenAPI document (nil: it
	// does not); the answer is checked against the document either way.
	reqErr error
}

// stand-ins are valid requests of each operation, used to check the
// answer to a request that itself breaks the document.
var standIns = map[string][]byte{
	"/emsg/v1/messages": mustExample("envelope"),
	"/emsg/v1/receipts": mustExample("receipt-request"),
}

func mustExample(schema string) []byte {
	ex, err := spec.SchemaExamples(schema)
	if err != nil || len(ex) == 0 {
		panic(fmt.Sprintf("no example of %s: %v", schema, err))
	}
	return ex[0]
}

// do sends c to the service and checks the exchange against the client
// API document: the request (reported in reqErr) and always the answer.
func (w *world) do(c call) answer {
	w.t.Helper()
	req := newRequest(c)
	rec := httptest.NewRecorder()
	w.mux.ServeHTTP(rec, req)
	resp := rec.Result()
	body, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, body: body}
	err := spec.ValidateExchange(spec.ClientAPI, newRequest(c), c.body, resp, body)
	var xe *spec.ExchangeError
	if errors.As(err, &xe) && xe.Phase == spec.PhaseRequest {
		a.reqErr = err
		standIn := call{path: c.path, caller: "x#a.test", body: standIns[c.path]}
		err = spec.ValidateExchange(spec.ClientAPI, newRequest(standIn), standIn.body, resp, body)
	}
	if err != nil {
		w.t.Errorf("POST %s: the answer breaks the spec: %v\n%s", c.path, err, body)
	}
	return a
}

func newRequest(c call) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "http://a.test"+c.path, bytes.NewReader(c.body))
	ct := c.contentType
	if ct == "" {
		ct = "application/json"
	}
	req.Header.Set("Content-Type", ct)
	if c.caller != "" {
		req.Header.Set("Authorization", "Bearer "+c.caller)
	}
	return req
}

// send posts an envelope as caller and returns the answer.
func (w *world) send(caller string, raw []byte) answer {
	w.t.Helper()
	return w.do(call{path: "/emsg/v1/messages", caller: caller, body: raw})
}

// mustAccept posts an envelope that must be accepted.
func (w *world) mustAccept(caller string, raw []byte) {
	w.t.Helper()
	a := w.send(caller, raw)
	want := fmt.Sprintf(`{"id":%q}`, idOf(w.t, raw))
	if a.status != http.StatusAccepted || string(a.body) != want || a.reqErr != nil {
		w.t.Fatalf("send: got %d %s (request: %v), want 202 %s", a.status, a.body, a.reqErr, want)
	}
}

// wantError checks an error answer's status, code and (for moved)
// moved_to.
func wantError(t *testing.T, a answer, status int, code, movedTo string) {
	t.Helper()
	var e httpapi.Error
	if err := json.Unmarshal(a.body, &e); err != nil {
		t.Fatalf("got %d %s, want an error body: %v", a.status, a.body, err)
	}
	if a.status != status || e.Code != code || e.MovedTo != movedTo {
		t.Errorf("got %d %s (moved_to %q), want %d %s (moved_to %q): %s", a.status, e.Code, e.MovedTo, status, code, movedTo, e.Message)
	}
}

// events returns the stored events of addr, each checked against
// stream-event.json.
func (w *world) events(addr string) []store.Event {
	w.t.Helper()
	var evs []store.Event
	err := w.st.View(func(tx *store.Tx) error {
		var err error
		evs, err = tx.Events(addr, 0, 10000)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, ev := range evs {
		if err := spec.ValidateJSON("stream-event", ev.Data); err != nil {
			w.t.Errorf("event %d of %s breaks stream-event.json: %v\n%s", ev.Seq, addr, err, ev.Data)
		}
	}
	return evs
}

// queued returns the federation items queued for dest, each checked
// against fed-item.json.
func (w *world) queued(dest string) []store.QueueItem {
	w.t.Helper()
	var items []store.QueueItem
	err := w.st.View(func(tx *store.Tx) error {
		var err error
		items, err = tx.Peek(dest, 10000)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, it := range items {
		if err := spec.ValidateJSON("fed-item", it.Data); err != nil {
			w.t.Errorf("item %d for %s breaks fed-item.json: %v\n%s", it.ID, dest, err, it.Data)
		}
	}
	return items
}

// compact returns raw without insignificant white space.
func compact(t *testing.T, raw []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// member returns the JSON of one member of a JSON object.
func member(t *testing.T, raw []byte, name string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m[name]
}

// receiptOf decodes the receipt of a receipt event or item.
func receiptOf(t *testing.T, raw []byte) Receipt {
	t.Helper()
	var r Receipt
	if err := json.Unmarshal(member(t, raw, "receipt"), &r); err != nil {
		t.Fatalf("not a receipt: %v\n%s", err, raw)
	}
	return r
}
