package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reference/server/config"
)

// lab is a running deployment and a client that reaches it by name.
type lab struct {
	t      *testing.T
	table  resolve.Table
	client *http.Client
}

func startLab(t *testing.T, domains ...string) *lab {
	t.Helper()
	return startLabWith(t, config.Defaults(), domains...)
}

// startLabWith is [startLab] with the configuration base (its data
// directory is replaced by a fresh one).
func startLabWith(t *testing.T, base config.Config, domains ...string) *lab {
	t.Helper()
	base.DataDir = t.TempDir()
	d, err := StartDeployment(base, domains)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Shutdown(context.Background()) })
	return &lab{t: t, table: d.Resolver(), client: d.Resolver().Client(nil)}
}

// user is an account of the lab with its keys and bearer token.
type user struct {
	id    *keys.Identity
	token string
}

func (u *user) addr() address.Address { return u.id.Address() }

// call sends method path with a JSON body (nil for none) as u (nil for
// nobody) and returns the status and the answer.
func (l *lab) call(u *user, domain, method, path string, body any) (int, []byte) {
	l.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			l.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	url, err := l.table.URL(domain, path)
	if err != nil {
		l.t.Fatal(err)
	}
	req, _ := http.NewRequest(method, url, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if u != nil {
		req.Header.Set("Authorization", "Bearer "+u.token)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		l.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// must fails the test unless the call answered want.
func (l *lab) must(want int) func(int, []byte) []byte {
	return func(got int, body []byte) []byte {
		l.t.Helper()
		if got != want {
			l.t.Fatalf("got %d %s, want %d", got, body, want)
		}
		return body
	}
}

// newUser registers and logs in a fresh account.
func (l *lab) newUser(addr string) *user {
	l.t.Helper()
	a := address.MustParse(addr)
	id, err := keys.NewIdentity(wire.Seeded("e2e/"+addr, time.Now()), a)
	if err != nil {
		l.t.Fatal(err)
	}
	u := &user{id: id}
	l.must(http.StatusCreated)(l.call(nil, a.Domain, "POST", "/emsg/v1/register", map[string]any{"bundle": id.Bundle()}))
	var ch struct {
		Challenge wire.Bytes `json:"challenge"`
	}
	json.Unmarshal(l.must(http.StatusOK)(l.call(nil, a.Domain, "POST", "/emsg/v1/login/challenge", map[string]any{"address": addr})), &ch)
	proof, err := account.NewLoginProof(wire.Seeded("e2e/login/"+addr, time.Now()), a, id.SignKey(), ch.Challenge, a.Domain)
	if err != nil {
		l.t.Fatal(err)
	}
	var tok struct {
		Token string `json:"token"`
	}
	json.Unmarshal(l.must(http.StatusOK)(l.call(nil, a.Domain, "POST", "/emsg/v1/login", map[string]any{"proof": proof})), &tok)
	u.token = tok.Token
	return u
}

// stream opens u's event stream and returns it with the ready frame.
func (l *lab) stream(u *user) (*websocket.Conn, map[string]any) {
	l.t.Helper()
	url, err := l.table.WebSocketURL(u.addr().Domain, "/emsg/v1/stream")
	if err != nil {
		l.t.Fatal(err)
	}
	dialer := websocket.Dialer{NetDialContext: l.table.NetDialContext, HandshakeTimeout: 5 * time.Second}
	conn, resp, err := dialer.Dial(url, http.Header{"Authorization": {"Bearer " + u.token}})
	if err != nil {
		l.t.Fatalf("open stream of %s: %v (%v)", u.addr(), err, resp)
	}
	l.t.Cleanup(func() { conn.Close() })
	return conn, l.frame(conn)
}

// frame reads one frame within a deadline.
func (l *lab) frame(conn *websocket.Conn) map[string]any {
	l.t.Helper()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var f map[string]any
	if err := conn.ReadJSON(&f); err != nil {
		l.t.Fatalf("read frame: %v", err)
	}
	return f
}

// nextEvent reads frames until an event of the given kind arrives.
func (l *lab) nextEvent(conn *websocket.Conn, kind string) (seq float64, event map[string]any) {
	l.t.Helper()
	for range 20 {
		f := l.frame(conn)
		if f["type"] != "event" {
			continue
		}
		ev := f["event"].(map[string]any)
		if ev["kind"] == kind {
			return f["seq"].(float64), ev
		}
	}
	l.t.Fatalf("no %s event among 20 frames", kind)
	return 0, nil
}

func TestAliceAndBobBecomeContactsAndTalk(t *testing.T) {
	l := startLab(t, "a.test")
	alice, bob := l.newUser("alice#a.test"), l.newUser("bob#a.test")
	bobStream, ready := l.stream(bob)
	if ready["type"] != "ready" {
		t.Fatalf("first frame %v, want ready", ready)
	}

	// Alice asks Bob to be her contact, with her key bundle; Bob accepts with his.
	l.must(http.StatusAccepted)(l.call(alice, "a.test", "POST", "/emsg/v1/contacts/requests",
		map[string]any{"to": "bob#a.test", "bundle": alice.id.Bundle()}))
	l.nextEvent(bobStream, "contact_request")
	aliceStream, _ := l.stream(alice)
	l.must(http.StatusOK)(l.call(bob, "a.test", "POST", "/emsg/v1/contacts/requests/alice%23a.test/accept",
		map[string]any{"bundle": bob.id.Bundle()}))
	l.nextEvent(aliceStream, "contact_accepted")

	// Alice seals a message for Bob and sends it; Bob's stream carries it and he opens it.
	env, _, err := envelope.Seal(wire.Seeded("e2e/msg", time.Now()), alice.id, bob.addr(),
		map[address.Address]*[32]byte{bob.addr(): bob.id.BoxPublic()}, envelope.TextBody("hello bob"), envelope.Options{TTL: 3600})
	if err != nil {
		t.Fatal(err)
	}
	l.must(http.StatusAccepted)(l.call(alice, "a.test", "POST", "/emsg/v1/messages", env))
	seq, ev := l.nextEvent(bobStream, "envelope")
	raw, _ := json.Marshal(ev["envelope"])
	got, err := envelope.ParseEnvelope(raw)
	if err != nil {
		t.Fatalf("the envelope Bob received does not parse: %v", err)
	}
	inner, err := envelope.Open(got, bob.addr(), bob.id.BoxPrivate(), alice.id.Bundle().SignPublic())
	if err != nil {
		t.Fatalf("Bob cannot open Alice's message: %v", err)
	}
	if body, _ := inner.ParseBody(); body.Text != "hello bob" {
		t.Fatalf("Bob reads %q", body.Text)
	}

	// A retry of the same envelope is accepted again and delivered once.
	l.must(http.StatusAccepted)(l.call(alice, "a.test", "POST", "/emsg/v1/messages", env))

	// Bob acknowledges; a new stream resumes after it and replays nothing acknowledged.
	if err := bobStream.WriteJSON(map[string]any{"type": "ack", "seq": seq}); err != nil {
		t.Fatal(err)
	}
	if err := bobStream.WriteJSON(map[string]any{"type": "ping"}); err != nil {
		t.Fatal(err)
	}
	for f := l.frame(bobStream); f["type"] != "pong"; f = l.frame(bobStream) {
	} // the server answers a connection's frames in order: the ack is done
	bobStream.Close()
	again, ready := l.stream(bob)
	if ready["resume_from"] != seq {
		t.Fatalf("resume_from %v after acknowledging %v", ready["resume_from"], seq)
	}
	if err := again.WriteJSON(map[string]any{"type": "ping"}); err != nil {
		t.Fatal(err)
	}
	if f := l.frame(again); f["type"] != "pong" {
		t.Fatalf("after resuming, got %v before the pong: the acknowledged or the retried envelope came again", f)
	}
}

func TestAliceOnATalksToBobOnBThroughFederation(t *testing.T) {
	l := startLab(t, "a.test", "b.test")
	alice, bob := l.newUser("alice#a.test"), l.newUser("bob#b.test")
	// Contact requests do not cross domains yet, so Bob takes messages from strangers.
	l.must(http.StatusOK)(l.call(bob, "b.test", "PATCH", "/emsg/v1/settings", map[string]any{"accept_strangers": true}))
	bobStream, _ := l.stream(bob)
	aliceStream, _ := l.stream(alice)

	env, _, err := envelope.Seal(wire.Seeded("e2e/fed", time.Now()), alice.id, bob.addr(),
		map[address.Address]*[32]byte{bob.addr(): bob.id.BoxPublic()}, envelope.TextBody("hello from a.test"), envelope.Options{TTL: 3600})
	if err != nil {
		t.Fatal(err)
	}
	// a.test accepts it durably and queues it for b.test; its outbox signs and sends the transaction.
	l.must(http.StatusAccepted)(l.call(alice, "a.test", "POST", "/emsg/v1/messages", env))
	_, ev := l.nextEvent(bobStream, "envelope")
	raw, _ := json.Marshal(ev["envelope"])
	got, err := envelope.ParseEnvelope(raw)
	if err != nil {
		t.Fatalf("the envelope that crossed does not parse: %v", err)
	}
	inner, err := envelope.Open(got, bob.addr(), bob.id.BoxPrivate(), alice.id.Bundle().SignPublic())
	if err != nil {
		t.Fatalf("Bob cannot open what crossed from a.test: %v", err)
	}
	if body, _ := inner.ParseBody(); body.Text != "hello from a.test" {
		t.Fatalf("Bob reads %q", body.Text)
	}
	// b.test's delivered receipt travels back to Alice's stream.
	_, rc := l.nextEvent(aliceStream, "receipt")
	if r, _ := rc["receipt"].(map[string]any); r["kind"] != "delivered" || r["id"] != env.ID {
		t.Fatalf("Alice's receipt %v, want delivered for %s", rc, env.ID)
	}
}
