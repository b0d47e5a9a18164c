package sessions

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/messaging"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// testStart is the host's clock when a world starts.
var testStart = time.UnixMilli(1_700_000_000_000)

// clock is a settable clock for wire.Deps.
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

// world is the host a.test with its session service and messaging, served
// over real HTTP (for the sockets), a fake authenticator (the bearer token
// is the caller's address), alice#a.test and the remote people it knows.
type world struct {
	t      *testing.T
	st     *store.Store
	clock  *clock
	key    fedsig.ServerKey
	svc    *Service
	msg    *messaging.Service
	srv    *httptest.Server
	people map[string]*keys.Identity
	seeds  int
}

// bearerAuth is the fake Authenticator.
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
	return newWorldWith(t, nil)
}

// newWorldWith is newWorld with the host's configuration changed by edit
// (nil: the defaults).
func newWorldWith(t *testing.T, edit func(*config.Config)) *world {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, st: st, clock: &clock{now: testStart}, people: map[string]*keys.Identity{}}
	deps := wire.Deps{Rand: wire.NewSeededReader("host"), Now: w.clock.Now}
	w.key, _ = fedsig.NewServerKey(wire.Seeded("host key", testStart), "ed25519:k1")
	cfg := config.Defaults()
	cfg.Domain = "a.test"
	if edit != nil {
		edit(&cfg)
	}
	w.svc = New(st, cfg, deps, w.key, Parts{
		Auth:     bearerAuth,
		Features: func(context.Context, string) ([]string, error) { return []string{"core", "sessions"}, nil },
		PeerKey:  w.peerKey,
	}, DefaultTiming())
	w.msg = messaging.New(st, cfg, deps, bearerAuth, nil)
	w.msg.SetCarrier(w.svc)
	mux := httpapi.NewMux()
	w.msg.Routes(mux)
	w.svc.Routes(mux)
	w.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		w.svc.Close()
		w.srv.Close()
		_ = st.Close()
	})
	w.person("alice#a.test")
	return w
}

// peerKey is the fake PeerKey: the sign key of a person of the world.
func (w *world) peerKey(_ context.Context, _, peer address.Address) (ed25519.PublicKey, error) {
	id, ok := w.people[peer.String()]
	if !ok {
		return nil, errNoKey
	}
	return id.Bundle().SignPublic(), nil
}

// person returns the identity of addr; local people get an account that
// takes messages from strangers.
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
			return tx.PutAccount(store.Account{Address: addr, State: store.StateActive, Created: wire.ToMillis(testStart),
				Settings: store.Settings{AcceptStrangers: true, AcceptRequests: true, TTL: 3600, Typing: true, Presence: true}})
		})
	}
	return id
}

func (w *world) update(op func(*store.Tx) error) {
	w.t.Helper()
	if err := w.st.Update(context.Background(), op); err != nil {
		w.t.Fatal(err)
	}
}

// seal returns an envelope from one person to another, at the clock's time.
func (w *world) seal(from, to string) []byte {
	w.t.Helper()
	w.seeds++
	sender, reader := w.person(from), w.person(to)
	env, _, err := envelope.Seal(wire.Seeded(fmt.Sprintf("env %d", w.seeds), w.clock.Now()), sender, reader.Address(),
		map[address.Address]*[32]byte{reader.Address(): reader.BoxPublic()}, envelope.TextBody("hi"), envelope.Options{TTL: 3600})
	if err != nil {
		w.t.Fatal(err)
	}
	raw, _ := json.Marshal(env)
	return raw
}

// send makes alice (or another local person) send an envelope to "to".
func (w *world) send(from, to string) string {
	w.t.Helper()
	raw := w.seal(from, to)
	status, id, err := w.msg.Send(context.Background(), address.MustParse(from), raw)
	if err != nil || status != http.StatusAccepted {
		w.t.Fatalf("send %s to %s: %d %v", from, to, status, err)
	}
	return id
}

// open starts a session from alice to peer and returns its ticket.
func (w *world) open(peer string) *ticket.Ticket {
	w.t.Helper()
	w.send("alice#a.test", peer)
	for _, ev := range w.events("alice#a.test") {
		var e struct {
			Kind   string          `json:"kind"`
			Ticket json.RawMessage `json:"ticket"`
		}
		json.Unmarshal(ev.Data, &e)
		if e.Kind != "session_ticket" {
			continue
		}
		t, err := ticket.ParseTicket(e.Ticket)
		if err != nil {
			w.t.Fatal(err)
		}
		if t.Peer.String() == peer && w.svc.reg.liveByID(t.ID, w.svc.now(), w.svc.idle()) != nil {
			return t
		}
	}
	w.t.Fatalf("no live session ticket for %s", peer)
	return nil
}

// events returns the stored events of addr.
func (w *world) events(addr string) []store.Event {
	w.t.Helper()
	var evs []store.Event
	if err := w.st.View(func(tx *store.Tx) error {
		var err error
		evs, err = tx.Events(addr, 0, 1000)
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	return evs
}

// queued returns the federation items queued for dest, as kind/id strings.
func (w *world) queued(dest string) []string {
	w.t.Helper()
	var items []store.QueueItem
	if err := w.st.View(func(tx *store.Tx) error {
		var err error
		items, err = tx.Peek(dest, 1000)
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	var out []string
	for _, it := range items {
		var head struct {
			Kind     string `json:"kind"`
			Envelope struct {
				ID string `json:"id"`
			} `json:"envelope"`
		}
		json.Unmarshal(it.Data, &head)
		out = append(out, head.Kind+"/"+head.Envelope.ID)
	}
	return out
}

// dial opens the session socket of id without sending anything.
func (w *world) dial(id string) (*websocket.Conn, *http.Response, error) {
	url := "ws" + strings.TrimPrefix(w.srv.URL, "http") + "/emsg/v1/sessions/" + id + "/ws"
	return websocket.DefaultDialer.Dial(url, nil)
}

// proof makes peer's session auth for t at the clock's time (shifted).
func (w *world) proof(t *ticket.Ticket, peer string, shift time.Duration) *ticket.Auth {
	w.t.Helper()
	w.seeds++
	deps := wire.Seeded(fmt.Sprintf("proof %d", w.seeds), w.clock.Now().Add(shift))
	a, err := ticket.NewAuth(deps, t.ID, address.MustParse(peer), t.Host, w.person(peer).SignKey())
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

// openFrame is the session_open frame of t and a.
func openFrameOf(t *ticket.Ticket, a *ticket.Auth) []byte {
	raw, _ := json.Marshal(map[string]any{"type": "session_open", "ticket": t, "auth": a})
	return raw
}

// connect opens the socket of id, sends first and returns the socket and
// the first frame the host answers.
func (w *world) connect(id string, first []byte) (*websocket.Conn, map[string]any) {
	w.t.Helper()
	conn, resp, err := w.dial(id)
	if err != nil {
		w.t.Fatalf("dial session %s: %v (%v)", id, err, resp)
	}
	w.t.Cleanup(func() { conn.Close() })
	if err := conn.WriteMessage(websocket.TextMessage, first); err != nil {
		w.t.Fatal(err)
	}
	return conn, readFrame(w.t, conn)
}

// readFrame reads one frame within a deadline.
func readFrame(t *testing.T, conn *websocket.Conn) map[string]any {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var f map[string]any
	if err := conn.ReadJSON(&f); err != nil {
		t.Fatalf("read frame: %v", err)
	}
	return f
}

// closeCode reads until the socket closes and returns the close status.
func closeCode(t *testing.T, conn *websocket.Conn) int {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, _, err := conn.ReadMessage()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		if err != nil {
			t.Fatalf("read until close: %v", err)
		}
	}
}

// call sends an HTTP request to the host and checks the exchange against
// the client API document.
func (w *world) call(method, path, caller string, header http.Header) (int, []byte) {
	w.t.Helper()
	newReq := func() *http.Request {
		req, _ := http.NewRequest(method, w.srv.URL+path, nil)
		for k, v := range header {
			req.Header[k] = v
		}
		if caller != "" {
			req.Header.Set("Authorization", "Bearer "+caller)
		}
		return req
	}
	resp, err := http.DefaultClient.Do(newReq())
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	err = spec.ValidateExchange(spec.ClientAPI, newReq(), nil, resp, body)
	var xe *spec.ExchangeError
	if errors.As(err, &xe) && xe.Phase == spec.PhaseRequest {
		// A request that breaks the document on purpose (no upgrade, a bad
		// id): check the answer against a valid request of the operation.
		standIn := newReq()
		standIn.URL.Path = sessionPath.ReplaceAllString(standIn.URL.Path, "/sessions/01HF7YAT00Q07B9BN8X34BT83J/")
		for k, v := range upgradeHeader {
			if method == http.MethodGet {
				standIn.Header[k] = v
			}
		}
		err = spec.ValidateExchange(spec.ClientAPI, standIn, nil, resp, body)
	}
	if err != nil {
		w.t.Errorf("%s %s: the exchange breaks the spec: %v\n%s", method, path, err, body)
	}
	return resp.StatusCode, body
}

// sessionPath matches the session id of a path.
var sessionPath = regexp.MustCompile(`/sessions/[^/]*/`)

// upgradeHeader makes a request a WebSocket upgrade.
var upgradeHeader = http.Header{"Upgrade": {"websocket"}, "Connection": {"Upgrade"},
	"Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}, "Sec-Websocket-Version": {"13"}}

// codeOf returns the error code of an error body.
func codeOf(body []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	json.Unmarshal(body, &e)
	return e.Error
}
