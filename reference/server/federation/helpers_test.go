package federation

import (
	"bytes"
	"context"
	"encoding/json"
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
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/messaging"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// testNow is where every test's clock starts.
var testNow = time.UnixMilli(1_700_000_000_000)

// clock is the shared, settable clock of a lab's servers.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
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

func (r *recorder) has(addr string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Contains(strings.Join(r.woken, " "), addr)
}

// lab is two (or more) servers talking federation over real loopback
// HTTP, each with its own store, key, [Peers], [Inbox] and [Outbox], and a
// resolver table mapping every domain to its httptest listener. Every
// exchange on the wire is checked against the OpenAPI documents.
type lab struct {
	t     *testing.T
	clock *clock
	table resolve.Table
	nodes map[string]*node
}

// node is one server of a lab.
type node struct {
	lab    *lab
	domain string
	cfg    config.Config
	deps   wire.Deps
	key    fedsig.ServerKey
	st     *store.Store
	peers  *Peers
	inbox  *Inbox
	outbox *Outbox
	msg    *messaging.Service
	woken  *recorder
	srv    *httptest.Server
	mux    *httpapi.Mux

	mu          sync.Mutex
	maxTxnItems int                                               // advertised in discovery
	extraKeys   map[string]string                                 // also advertised
	claim       string                                            // domain the discovery document names ("" = own)
	inject      func(w http.ResponseWriter, r *http.Request) bool // answers instead of the inbox when true
	txns        []string                                          // txn names received, in order
	discoveries int                                               // discovery requests served
}

// newLab starts one server per domain, with the default configuration.
func newLab(t *testing.T, domains ...string) *lab {
	t.Helper()
	l := &lab{t: t, clock: &clock{now: testNow}, nodes: map[string]*node{}}
	for _, d := range domains {
		n := &node{lab: l, domain: d, woken: &recorder{}, maxTxnItems: 100}
		n.srv = httptest.NewServer(http.HandlerFunc(n.serve))
		t.Cleanup(n.srv.Close)
		var err error
		if l.table, err = l.table.With(d, n.srv.Listener.Addr().String()); err != nil {
			t.Fatal(err)
		}
		l.nodes[d] = n
	}
	for _, d := range domains {
		l.nodes[d].start(t)
	}
	return l
}

// start builds the node's parts once the table is complete.
func (n *node) start(t *testing.T) {
	t.Helper()
	var err error
	if n.st, err = store.Open(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.st.Close() })
	n.cfg = config.Defaults()
	n.cfg.Domain = n.domain
	n.deps = wire.Deps{Rand: wire.NewSeededReader("server " + n.domain), Now: n.lab.clock.Now}
	if n.key, err = fedsig.NewServerKey(wire.Seeded("key "+n.domain, testNow), "ed25519:k1"); err != nil {
		t.Fatal(err)
	}
	client := n.lab.table.Client(nil)
	client.Transport = checked{t: t, next: client.Transport}
	n.peers = NewPeers(n.lab.table, client, n.deps)
	timing := Timing{BaseBackoff: time.Second, MaxBackoff: 15 * time.Minute, BusyBackoff: time.Minute, Sweep: 20 * time.Millisecond, Request: 5 * time.Second}
	n.outbox = NewOutbox(n.st, n.cfg, n.deps, n.key, n.peers, n.woken, timing)
	n.inbox = NewInbox(n.st, n.cfg, n.deps, n.peers, n.woken, n.outbox)
	n.msg = messaging.New(n.st, n.cfg, n.deps, nil, n.woken)
	m := httpapi.NewMux()
	n.inbox.Routes(m)
	m.Handle(http.MethodGet, "/.well-known/emsg", n.handleDiscovery)
	n.mu.Lock()
	n.mux = m
	n.mu.Unlock()
}

// serve records transactions, lets a test answer in the inbox's place,
// and otherwise hands the request to the node's routes.
func (n *node) serve(w http.ResponseWriter, r *http.Request) {
	n.mu.Lock()
	m, inject := n.mux, n.inject
	n.mu.Unlock()
	if r.URL.Path == InboxPath {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var t struct{ Txn string }
		_ = json.Unmarshal(body, &t)
		n.mu.Lock()
		n.txns = append(n.txns, t.Txn)
		n.mu.Unlock()
		if inject != nil && inject(w, r) {
			return
		}
	}
	if m == nil {
		http.Error(w, "starting", http.StatusServiceUnavailable)
		return
	}
	m.ServeHTTP(w, r)
}

// handleDiscovery serves the node's discovery document (discovery.json).
func (n *node) handleDiscovery(w http.ResponseWriter, _ *http.Request) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.discoveries++
	serverKeys := map[string]string{n.key.ID: wire.EncodeBytes(n.key.Public())}
	for id, k := range n.extraKeys {
		serverKeys[id] = k
	}
	domain := n.domain
	if n.claim != "" {
		domain = n.claim
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{
		"domain": domain, "versions": []string{"1"}, "features": []string{"core", "federation"},
		"server_keys":  serverKeys,
		"limits":       map[string]int{"max_envelope_bytes": 65536, "max_ttl": 2592000, "default_ttl": 604800, "max_txn_items": n.maxTxnItems},
		"registration": "open",
	})
}

// set changes the node's test knobs under its lock.
func (n *node) set(change func(n *node)) {
	n.mu.Lock()
	defer n.mu.Unlock()
	change(n)
}

// received returns the txn names the node's inbox was sent, in order.
func (n *node) received() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.txns...)
}

// checked is an http.RoundTripper that checks every exchange against the
// OpenAPI document of its path: federation for /emsg/v1/federation/...,
// the client API (getDiscovery) otherwise.
type checked struct {
	t    *testing.T
	next http.RoundTripper
}

func (c checked) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	respBody, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	api := spec.ClientAPI
	if strings.HasPrefix(req.URL.Path, "/emsg/v1/federation/") {
		api = spec.FederationAPI
	}
	if err := spec.ValidateExchange(api, req, reqBody, resp, respBody); err != nil {
		c.t.Errorf("%s %s: the exchange breaks the spec: %v\n%s", req.Method, req.URL, err, respBody)
	}
	return resp, nil
}

// account creates an active local account; strangers sets accept_strangers.
func (n *node) account(addr string, strangers bool) {
	n.update(func(tx *store.Tx) error {
		return tx.PutAccount(store.Account{Address: addr, State: store.StateActive, Created: wire.ToMillis(testNow),
			Settings: store.Settings{AcceptStrangers: strangers, AcceptRequests: true, TTL: 604800}})
	})
}

// update runs op on the node's store and fails the test on error.
func (n *node) update(op func(*store.Tx) error) {
	n.lab.t.Helper()
	if err := n.st.Update(context.Background(), op); err != nil {
		n.lab.t.Fatal(err)
	}
}

// events returns the events in addr's log, decoded, after checking each
// against stream-event.json.
func (n *node) events(addr string) []map[string]any {
	n.lab.t.Helper()
	var evs []store.Event
	if err := n.st.View(func(tx *store.Tx) error {
		var err error
		evs, err = tx.Events(addr, 0, 1000)
		return err
	}); err != nil {
		n.lab.t.Fatal(err)
	}
	var out []map[string]any
	for _, e := range evs {
		if err := spec.ValidateJSON("stream-event", e.Data); err != nil {
			n.lab.t.Errorf("event %d of %s breaks stream-event.json: %v\n%s", e.Seq, addr, err, e.Data)
		}
		var m map[string]any
		if err := json.Unmarshal(e.Data, &m); err != nil {
			n.lab.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// queued returns the items queued for dest.
func (n *node) queued(dest string) []store.QueueItem {
	n.lab.t.Helper()
	var items []store.QueueItem
	if err := n.st.View(func(tx *store.Tx) error {
		var err error
		items, err = tx.Peek(dest, 1000)
		return err
	}); err != nil {
		n.lab.t.Fatal(err)
	}
	return items
}

// step runs one outbox attempt for dest and fails the test on error.
func (n *node) step(dest string) time.Duration {
	n.lab.t.Helper()
	wait, _, err := n.outbox.step(context.Background(), dest)
	if err != nil {
		n.lab.t.Fatal(err)
	}
	return wait
}

// identities are made once per address from seeded randomness.
var (
	identitiesMu sync.Mutex
	identities   = map[string]*keys.Identity{}
	seals        int
)

func identity(t *testing.T, addr string) *keys.Identity {
	t.Helper()
	identitiesMu.Lock()
	defer identitiesMu.Unlock()
	if id, ok := identities[addr]; ok {
		return id
	}
	id, err := keys.NewIdentity(wire.Seeded("identity "+addr, testNow), address.MustParse(addr))
	if err != nil {
		t.Fatal(err)
	}
	identities[addr] = id
	return id
}

// seal returns a text envelope from → to sealed at the lab's clock.
func (l *lab) seal(from, to string, ttl int) []byte {
	l.t.Helper()
	rcpt := identity(l.t, to)
	identitiesMu.Lock()
	seals++
	deps := wire.Seeded(fmt.Sprintf("seal %d", seals), l.clock.Now())
	identitiesMu.Unlock()
	env, _, err := envelope.Seal(deps, identity(l.t, from), address.MustParse(to),
		map[address.Address]*[32]byte{address.MustParse(to): rcpt.BoxPublic()}, envelope.TextBody("hi"), envelope.Options{TTL: ttl})
	if err != nil {
		l.t.Fatal(err)
	}
	raw, err := json.Marshal(env)
	if err != nil {
		l.t.Fatal(err)
	}
	return raw
}

// send has the local account from send raw through messaging, which
// queues it for a remote recipient.
func (n *node) send(from string, raw []byte) {
	n.lab.t.Helper()
	status, _, err := n.msg.Send(context.Background(), address.MustParse(from), raw)
	if err != nil || status != http.StatusAccepted {
		n.lab.t.Fatalf("send: %d %v", status, err)
	}
}

// idOf returns the id member of a JSON object.
func idOf(t *testing.T, raw []byte) string {
	t.Helper()
	var v struct{ ID string }
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v.ID
}

// kinds lists the kind of each event (and of a receipt event's receipt).
func kinds(evs []map[string]any) []string {
	var out []string
	for _, e := range evs {
		k, _ := e["kind"].(string)
		if r, ok := e["receipt"].(map[string]any); ok {
			k += ":" + fmt.Sprint(r["kind"])
		}
		out = append(out, k)
	}
	return out
}
