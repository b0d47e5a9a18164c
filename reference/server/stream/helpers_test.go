package stream

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// waitFor bounds every wait of these tests.
const waitFor = 5 * time.Second

// tokens is a fake Authenticator: a token table that tests can revoke.
type tokens struct {
	mu sync.Mutex
	m  map[string]address.Address
}

func (tk *tokens) add(token, addr string) {
	tk.mu.Lock()
	defer tk.mu.Unlock()
	tk.m[token] = address.MustParse(addr)
}

func (tk *tokens) revoke(token string) {
	tk.mu.Lock()
	defer tk.mu.Unlock()
	delete(tk.m, token)
}

// authenticate reads the token as accounts does: the Bearer header, or
// access_token on GET /emsg/v1/stream.
func (tk *tokens) authenticate(r *http.Request) (address.Address, error) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok && r.Method == http.MethodGet && r.URL.Path == Path {
		token = r.URL.Query().Get("access_token")
	}
	tk.mu.Lock()
	defer tk.mu.Unlock()
	if a, ok := tk.m[token]; ok && token != "" {
		return a, nil
	}
	return address.Address{}, httpapi.Errorf("unauthorized", "missing, unknown or expired token")
}

// env is a hub on a fresh store behind an httptest server, with the token
// "alice-token" for alice#a.test.
type env struct {
	st     *store.Store
	hub    *Hub
	srv    *httptest.Server
	tokens *tokens
}

var alice = address.MustParse("alice#a.test")

// newEnv starts an env; change adjusts the config (nil for none).
func newEnv(t *testing.T, recheck time.Duration, change func(*config.Config)) *env {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	cfg.Domain = "a.test"
	if change != nil {
		change(&cfg)
	}
	tk := &tokens{m: map[string]address.Address{}}
	tk.add("alice-token", "alice#a.test")
	hub := newHub(st, cfg, tk.authenticate, recheck)
	mux := httpapi.NewMux()
	hub.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		hub.Close()
		srv.Close()
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return &env{st: st, hub: hub, srv: srv, tokens: tk}
}

// appendEvent stores ev for addr, then notifies the hub, as the packages
// that produce events do; it returns the seq.
func (e *env) appendEvent(t *testing.T, addr address.Address, ev string) uint64 {
	t.Helper()
	if err := spec.ValidateJSON("stream-event", []byte(ev)); err != nil {
		t.Fatalf("test event breaks stream-event.json: %v", err)
	}
	var seq uint64
	err := e.st.Update(context.Background(), func(tx *store.Tx) error {
		var err error
		seq, err = tx.AppendEvent(addr.String(), []byte(ev), 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	e.hub.Notify(addr)
	return seq
}

// ackedSeq reads the store's acknowledgement of addr.
func (e *env) ackedSeq(t *testing.T, addr address.Address) uint64 {
	t.Helper()
	var n uint64
	if err := e.st.View(func(tx *store.Tx) (err error) { n, err = tx.AckedSeq(addr.String()); return err }); err != nil {
		t.Fatal(err)
	}
	return n
}

// event is a stream-event of seq-distinct content.
func event(n int) string {
	return `{"kind":"contact_declined","address":"u` + string(rune('a'+n%26)) + `#b.test"}`
}

// client is one test stream.
type client struct {
	t  *testing.T
	ws *websocket.Conn
}

// frame is a server frame, decoded after its schema check.
type frame struct {
	Type       string          `json:"type"`
	ResumeFrom *uint64         `json:"resume_from"`
	Seq        uint64          `json:"seq"`
	Event      json.RawMessage `json:"event"`
	Ref        string          `json:"ref"`
	Status     int             `json:"status"`
	ID         string          `json:"id"`
	Error      string          `json:"error"`
	Message    string          `json:"message"`
	MovedTo    string          `json:"moved_to"`
	RetryAfter int             `json:"retry_after"`
}

// dial opens a stream with the bearer token and the query (e.g. "since=3"),
// checks the handshake against the OpenAPI document, and returns the
// client after checking nothing about frames.
func (e *env) dial(t *testing.T, token, query string) *client {
	t.Helper()
	u := "ws" + strings.TrimPrefix(e.srv.URL, "http") + Path
	if query != "" {
		u += "?" + query
	}
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	ws, resp, err := websocket.DefaultDialer.Dial(u, h)
	if err != nil {
		t.Fatalf("dial %s: %v", u, err)
	}
	// gorilla stores some handshake headers under non-canonical keys
	// ("Sec-WebSocket-Key"): canonicalise them as a server would see them.
	req := resp.Request.Clone(context.Background())
	req.Header = http.Header{}
	for k, vs := range resp.Request.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if err := spec.ValidateExchange(spec.ClientAPI, req, nil, resp, nil); err != nil {
		t.Errorf("the handshake breaks the spec: %v", err)
	}
	c := &client{t: t, ws: ws}
	t.Cleanup(func() { _ = ws.Close() })
	return c
}

// open dials and reads the ready frame, checking resume_from.
func (e *env) open(t *testing.T, token, query string, resumeFrom uint64) *client {
	t.Helper()
	c := e.dial(t, token, query)
	f := c.next()
	if f.Type != "ready" || f.ResumeFrom == nil || *f.ResumeFrom != resumeFrom {
		t.Fatalf("first frame %+v, want ready with resume_from %d", f, resumeFrom)
	}
	return c
}

// next reads the next server frame, failing the test if it breaks
// stream-server-frame.json or does not come within waitFor.
func (c *client) next() frame {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(waitFor))
	typ, msg, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read frame: %v", err)
	}
	if typ != websocket.TextMessage {
		c.t.Fatalf("frame of type %d, want a text frame", typ)
	}
	if err := spec.ValidateJSON("stream-server-frame", msg); err != nil {
		c.t.Fatalf("server frame breaks stream-server-frame.json: %v\n%s", err, msg)
	}
	var f frame
	if err := json.Unmarshal(msg, &f); err != nil {
		c.t.Fatal(err)
	}
	return f
}

// wantEvent reads the next frame and checks it is event seq.
func (c *client) wantEvent(seq uint64) frame {
	c.t.Helper()
	f := c.next()
	if f.Type != "event" || f.Seq != seq {
		c.t.Fatalf("got %+v, want event %d", f, seq)
	}
	return f
}

// send writes a text frame.
func (c *client) send(msg string) {
	c.t.Helper()
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		c.t.Fatalf("send %s: %v", msg, err)
	}
}

// sync proves the server handled every earlier frame and sent nothing else:
// a ping must be answered by the very next frame.
func (c *client) sync() {
	c.t.Helper()
	c.send(`{"type":"ping"}`)
	if f := c.next(); f.Type != "pong" {
		c.t.Fatalf("got %+v, want pong (nothing else pending)", f)
	}
}

// wantClose reads until the server closes the stream and checks the code.
func (c *client) wantClose(code int) {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(waitFor))
	for {
		_, msg, err := c.ws.ReadMessage()
		if err == nil {
			if verr := spec.ValidateJSON("stream-server-frame", msg); verr != nil {
				c.t.Fatalf("server frame breaks stream-server-frame.json: %v", verr)
			}
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			c.t.Fatalf("stream ended with %v, want close status %d", err, code)
		}
		if ce.Code != code {
			c.t.Fatalf("close status %d (%q), want %d", ce.Code, ce.Text, code)
		}
		return
	}
}

// eventually polls cond until it holds or waitFor passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
