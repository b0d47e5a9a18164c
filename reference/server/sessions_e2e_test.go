package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/messaging"
	"github.com/emsg-project/emsg/reference/server/store"
)

// sessionLab is two domains whose users alice#a.test and bob#b.test are
// contacts, with their event streams open.
type sessionLab struct {
	*lab
	servers        map[string]*Server
	alice, bob     *user
	aliceWS, bobWS *websocket.Conn
	seal           int // envelopes sealed so far
}

func startSessionLab(t *testing.T) *sessionLab {
	l, d := startLabDeployment(t, "a.test", "b.test")
	sl := &sessionLab{lab: l, servers: map[string]*Server{}}
	for _, s := range d.Servers() {
		sl.servers[s.Domain()] = s
	}
	sl.alice, sl.bob = l.newUser("alice#a.test"), l.newUser("bob#b.test")
	sl.aliceWS, _ = l.stream(sl.alice)
	sl.bobWS, _ = l.stream(sl.bob)
	l.must(http.StatusAccepted)(l.call(sl.alice, "a.test", "POST", "/emsg/v1/contacts/requests",
		map[string]any{"to": "bob#b.test", "bundle": sl.alice.id.Bundle()}))
	l.nextEvent(sl.bobWS, "contact_request")
	l.must(http.StatusOK)(l.call(sl.bob, "b.test", "POST", "/emsg/v1/contacts/requests/alice%23a.test/accept",
		map[string]any{"bundle": sl.bob.id.Bundle()}))
	l.nextEvent(sl.aliceWS, "contact_accepted")
	return sl
}

// envelope seals text from one user to the other.
func (sl *sessionLab) envelope(from, to *user, text string) *envelope.Envelope {
	sl.t.Helper()
	sl.seal++
	env, _, err := envelope.Seal(wire.Seeded(fmt.Sprintf("e2e/session/%d", sl.seal), time.Now()), from.id, to.addr(),
		map[address.Address]*[32]byte{to.addr(): to.id.BoxPublic()}, envelope.TextBody(text), envelope.Options{TTL: 3600})
	if err != nil {
		sl.t.Fatal(err)
	}
	return env
}

// aliceSends posts an envelope from alice to bob at a.test.
func (sl *sessionLab) aliceSends(text string) *envelope.Envelope {
	sl.t.Helper()
	env := sl.envelope(sl.alice, sl.bob, text)
	sl.must(http.StatusAccepted)(sl.call(sl.alice, "a.test", "POST", "/emsg/v1/messages", env))
	return env
}

// rawEvent reads frames of conn until an event of kind and returns it raw.
func (sl *sessionLab) rawEvent(conn *websocket.Conn, kind string) json.RawMessage {
	sl.t.Helper()
	for range 20 {
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		var f struct {
			Type  string          `json:"type"`
			Event json.RawMessage `json:"event"`
		}
		if err := conn.ReadJSON(&f); err != nil {
			sl.t.Fatalf("read frame: %v", err)
		}
		var head struct {
			Kind string `json:"kind"`
		}
		json.Unmarshal(f.Event, &head)
		if f.Type == "event" && head.Kind == kind {
			return f.Event
		}
	}
	sl.t.Fatalf("no %s event among 20 frames", kind)
	return nil
}

// ticketEvent reads the next session_ticket event of conn.
func (sl *sessionLab) ticketEvent(conn *websocket.Conn) (*ticket.Ticket, string) {
	sl.t.Helper()
	var ev struct {
		Ticket     json.RawMessage `json:"ticket"`
		EnvelopeID string          `json:"envelope_id"`
	}
	json.Unmarshal(sl.rawEvent(conn, "session_ticket"), &ev)
	t, err := ticket.ParseTicket(ev.Ticket)
	if err != nil {
		sl.t.Fatalf("the session ticket does not parse: %v", err)
	}
	return t, ev.EnvelopeID
}

// envelopeID reads the next envelope event of conn and returns its id.
func (sl *sessionLab) envelopeID(conn *websocket.Conn) string {
	sl.t.Helper()
	var ev struct {
		Envelope struct {
			ID string `json:"id"`
		} `json:"envelope"`
	}
	json.Unmarshal(sl.rawEvent(conn, "envelope"), &ev)
	return ev.Envelope.ID
}

// openSession dials a.test's session socket as bob with t and his proof,
// and reads the ready frame.
func (sl *sessionLab) openSession(t *ticket.Ticket) *websocket.Conn {
	sl.t.Helper()
	conn, resp, err := sl.dialSession(t.ID)
	if err != nil {
		sl.t.Fatalf("open session socket: %v (%v)", err, resp)
	}
	sl.t.Cleanup(func() { conn.Close() })
	auth, err := ticket.NewAuth(wire.System(), t.ID, sl.bob.addr(), t.Host, sl.bob.id.SignKey())
	if err != nil {
		sl.t.Fatal(err)
	}
	if err := conn.WriteJSON(map[string]any{"type": "session_open", "ticket": t, "auth": auth}); err != nil {
		sl.t.Fatal(err)
	}
	if f := sl.frame(conn); f["type"] != "ready" {
		sl.t.Fatalf("first session frame %v, want ready", f)
	}
	return conn
}

func (sl *sessionLab) dialSession(id string) (*websocket.Conn, *http.Response, error) {
	url, err := sl.table.WebSocketURL("a.test", "/emsg/v1/sessions/"+id+"/ws")
	if err != nil {
		sl.t.Fatal(err)
	}
	dialer := websocket.Dialer{NetDialContext: sl.table.NetDialContext, HandshakeTimeout: 5 * time.Second}
	return dialer.Dial(url, nil)
}

// accepted reports whether domain's server accepted the envelope (from,
// id) — through its federation inbox, for b.test.
func (sl *sessionLab) accepted(domain string, from address.Address, id string) bool {
	sl.t.Helper()
	var ok bool
	err := sl.servers[domain].store.View(func(tx *store.Tx) error {
		var err error
		_, ok, err = messaging.LookupDelivery(tx, from, id)
		return err
	})
	if err != nil {
		sl.t.Fatal(err)
	}
	return ok
}

func TestSessionCarriesTheConversationOnOneServer(t *testing.T) {
	sl := startSessionLab(t)

	// The first message travels by federation and opens the session: both
	// sides get the ticket, Bob's with the id of that message.
	first := sl.aliceSends("hello bob")
	if got := sl.envelopeID(sl.bobWS); got != first.ID {
		t.Fatalf("Bob got envelope %s, want %s", got, first.ID)
	}
	tk, envID := sl.ticketEvent(sl.bobWS)
	if envID != first.ID || tk.Host != "a.test" || tk.Peer != sl.bob.addr() || tk.Initiator != sl.alice.addr() {
		t.Fatalf("Bob's ticket %+v for %s, want host a.test, alice to bob, for %s", tk, envID, first.ID)
	}
	if own, _ := sl.ticketEvent(sl.aliceWS); own.ID != tk.ID {
		t.Fatalf("Alice's ticket %s, Bob's %s", own.ID, tk.ID)
	}

	// Bob connects to a.test directly; a.test alone carries the next messages.
	sock := sl.openSession(tk)
	var carried []string
	for i := range 3 {
		env := sl.aliceSends(fmt.Sprintf("on the session %d", i))
		_, ev := sl.nextEvent(sock, "envelope")
		if got := ev["envelope"].(map[string]any)["id"]; got != env.ID {
			t.Fatalf("the session socket carried %v, want %s", got, env.ID)
		}
		carried = append(carried, env.ID)
	}
	if err := sock.WriteJSON(map[string]any{"type": "ack", "seq": 3}); err != nil {
		t.Fatal(err)
	}
	reply := sl.envelope(sl.bob, sl.alice, "hi alice, straight to a.test")
	if err := sock.WriteJSON(map[string]any{"type": "send", "ref": "r1", "envelope": reply}); err != nil {
		t.Fatal(err)
	}
	if f := sl.frame(sock); f["type"] != "result" || f["status"] != float64(202) || f["id"] != reply.ID {
		t.Fatalf("result %v, want 202 for %s", f, reply.ID)
	}
	if got := sl.envelopeID(sl.aliceWS); got != reply.ID {
		t.Fatalf("Alice got %s, want Bob's %s", got, reply.ID)
	}
	for _, id := range carried {
		if sl.accepted("b.test", sl.alice.addr(), id) {
			t.Fatalf("b.test's federation inbox accepted %s, which the session carried", id)
		}
	}
	if sl.accepted("b.test", sl.bob.addr(), reply.ID) != false {
		t.Fatalf("b.test saw Bob's reply, which went to a.test directly")
	}

	// Alice ends the session: the socket closes with 4002 and the ticket is refused.
	sl.must(http.StatusNoContent)(sl.call(sl.alice, "a.test", "POST", "/emsg/v1/sessions/"+tk.ID+"/end", nil))
	sock.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := sock.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4002 {
		t.Fatalf("after the end the socket read %v, want close 4002", err)
	}
	if _, resp, err := sl.dialSession(tk.ID); err == nil || resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("reopening an ended session: %v %v, want 404", err, resp)
	}
	sl.must(http.StatusNoContent)(sl.call(sl.alice, "a.test", "POST", "/emsg/v1/sessions/"+tk.ID+"/end", nil))
}

func TestSessionFallsBackToFederation(t *testing.T) {
	sl := startSessionLab(t)
	first := sl.aliceSends("hello bob")
	sl.envelopeID(sl.bobWS)
	tk, _ := sl.ticketEvent(sl.bobWS)
	if tk == nil || first == nil {
		t.Fatal("no ticket")
	}

	// Bob is not connected to a.test: the next message goes by federation.
	env := sl.aliceSends("you are not connected")
	if got := sl.envelopeID(sl.bobWS); got != env.ID {
		t.Fatalf("Bob got %s by federation, want %s", got, env.ID)
	}

	// Bob connects, receives one on the socket, and drops the connection
	// without acknowledging it: it falls back to federation too.
	sock := sl.openSession(tk)
	lost := sl.aliceSends("offered on the socket")
	sl.nextEvent(sock, "envelope")
	sock.UnderlyingConn().Close()
	if got := sl.envelopeID(sl.bobWS); got != lost.ID {
		t.Fatalf("Bob got %s by federation, want the unacknowledged %s", got, lost.ID)
	}
	if !sl.accepted("b.test", sl.alice.addr(), lost.ID) {
		t.Fatalf("b.test did not accept the fallen-back %s", lost.ID)
	}
}

// startLabDeployment is startLab that also returns the deployment.
func startLabDeployment(t *testing.T, domains ...string) (*lab, *Deployment) {
	t.Helper()
	base := config.Defaults()
	base.DataDir = t.TempDir()
	d, err := StartDeployment(base, domains)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Shutdown(context.Background()) })
	return &lab{t: t, table: d.Resolver(), client: d.Resolver().Client(nil)}, d
}
