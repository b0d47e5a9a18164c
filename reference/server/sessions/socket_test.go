package sessions

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/spec"
)

// connected opens a session from alice to bob, connects bob's socket and
// returns the world, the socket and the queue of b.test at that point.
func connected(t *testing.T) (*world, *websocket.Conn, []string) {
	t.Helper()
	w := newWorld(t)
	tk := w.open("bob#b.test")
	conn, f := w.connect(tk.ID, openFrameOf(tk, w.proof(tk, "bob#b.test", 0)))
	if f["type"] != "ready" {
		t.Fatalf("open: %v", f)
	}
	return w, conn, w.queued("b.test")
}

// envelopeFrame reads an event frame, checks it against the spec and
// returns its seq and envelope id.
func envelopeFrame(t *testing.T, conn *websocket.Conn) (float64, string) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, raw, err := conn.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if err := spec.ValidateJSON("stream-server-frame", raw); err != nil {
		t.Fatalf("frame breaks stream-server-frame.json: %v\n%s", err, raw)
	}
	var f struct {
		Seq   float64 `json:"seq"`
		Event struct {
			Envelope struct {
				ID string `json:"id"`
			} `json:"envelope"`
		} `json:"event"`
	}
	json.Unmarshal(raw, &f)
	return f.Seq, f.Event.Envelope.ID
}

// roundTrip sends a ping and waits for the pong: frames before it were
// handled.
func roundTrip(t *testing.T, conn *websocket.Conn) {
	t.Helper()
	conn.WriteJSON(map[string]any{"type": "ping"})
	for f := readFrame(t, conn); f["type"] != "pong"; f = readFrame(t, conn) {
	}
}

// eventually polls cond until a deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond) // polling, not waiting for a guess
	}
}

func TestAcknowledgedEnvelopesNeverReachFederation(t *testing.T) {
	w, conn, before := connected(t)
	a, b := w.send("alice#a.test", "bob#b.test"), w.send("alice#a.test", "bob#b.test")
	for i, want := range []string{a, b} {
		if seq, id := envelopeFrame(t, conn); seq != float64(i+1) || id != want {
			t.Fatalf("frame %d: seq %v id %s, want %d %s", i, seq, id, i+1, want)
		}
	}
	conn.WriteJSON(map[string]any{"type": "ack", "seq": 2})
	roundTrip(t, conn)
	if got := w.queued("b.test"); !slices.Equal(got, before) {
		t.Fatalf("b.test's queue went from %v to %v", before, got)
	}
	receipts := 0
	for _, ev := range w.events("alice#a.test") {
		var e struct{ Kind string }
		json.Unmarshal(ev.Data, &e)
		if e.Kind == "receipt" {
			receipts++
		}
	}
	if receipts != 2 {
		t.Fatalf("alice has %d receipts, want 2 delivered", receipts)
	}
	// An ack beyond what was sent is refused.
	conn.WriteJSON(map[string]any{"type": "ack", "seq": 3})
	if f := readFrame(t, conn); f["error"] != "bad_request" {
		t.Fatalf("ack 3: %v", f)
	}
}

func TestAnEnvelopeUnacknowledgedFor30SecondsFallsBack(t *testing.T) {
	w, conn, before := connected(t)
	id := w.send("alice#a.test", "bob#b.test")
	envelopeFrame(t, conn)
	w.clock.advance(29 * time.Second)
	w.svc.sweep(context.Background())
	if got := w.queued("b.test"); !slices.Equal(got, before) {
		t.Fatalf("after 29 s: queue %v", got)
	}
	w.clock.advance(time.Second)
	w.svc.sweep(context.Background())
	if got := w.queued("b.test"); !slices.Equal(got, append(before, "envelope/"+id)) {
		t.Fatalf("after 30 s: queue %v, want %s appended", got, id)
	}
	// A late ack changes nothing and makes no receipt.
	conn.WriteJSON(map[string]any{"type": "ack", "seq": 1})
	roundTrip(t, conn)
}

func TestEnvelopesPendingWhenTheSocketDropsFallBack(t *testing.T) {
	w, conn, before := connected(t)
	id := w.send("alice#a.test", "bob#b.test")
	envelopeFrame(t, conn)
	conn.UnderlyingConn().Close()
	eventually(t, "the envelope is queued", func() bool {
		return slices.Equal(w.queued("b.test"), append(slices.Clone(before), "envelope/"+id))
	})
	// The session lives on: the next envelope goes by federation too.
	next := w.send("alice#a.test", "bob#b.test")
	if got := w.queued("b.test"); got[len(got)-1] != "envelope/"+next {
		t.Fatalf("queue %v", got)
	}
}

func TestThePeerSendsOnlyToTheInitiator(t *testing.T) {
	w, conn, _ := connected(t)
	toAlice := w.seal("bob#b.test", "alice#a.test")
	tests := []struct {
		name     string
		envelope []byte
		status   float64
		code     string
	}{
		// happy path: bob to alice
		{"from the peer to the initiator", toAlice, 202, ""},
		// the same again is a duplicate, accepted again
		{"a repeat", toAlice, 202, ""},
		// SESS-SEND-01
		{"to another account of the host", w.seal("bob#b.test", "dave#a.test"), 403, "forbidden"},
		{"from someone else", w.seal("carol#b.test", "alice#a.test"), 403, "forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn.WriteJSON(map[string]any{"type": "send", "ref": "r", "envelope": json.RawMessage(tt.envelope)})
			conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, raw, err := conn.ReadMessage()
			if err != nil {
				t.Fatal(err)
			}
			if err := spec.ValidateJSON("stream-server-frame", raw); err != nil {
				t.Fatalf("%v\n%s", err, raw)
			}
			var f map[string]any
			json.Unmarshal(raw, &f)
			if f["type"] != "result" || f["status"] != tt.status || (tt.code != "" && f["error"] != tt.code) {
				t.Fatalf("got %v, want status %v %s", f, tt.status, tt.code)
			}
		})
	}
	envelopes := 0
	for _, ev := range w.events("alice#a.test") {
		var e struct{ Kind string }
		json.Unmarshal(ev.Data, &e)
		if e.Kind == "envelope" {
			envelopes++
		}
	}
	if envelopes != 1 {
		t.Fatalf("alice got %d envelopes, want 1", envelopes)
	}
	// A frame that is not a stream client frame gets bad_request and the socket stays.
	conn.WriteJSON(map[string]any{"type": "subscribe"})
	if f := readFrame(t, conn); f["error"] != "bad_request" {
		t.Fatalf("got %v", f)
	}
	roundTrip(t, conn)
}

// An envelope held for the socket survives the host's restart: the next
// start falls it back to federation (nothing acknowledged is lost).
func TestHeldEnvelopesFallBackAfterARestart(t *testing.T) {
	w, conn, before := connected(t)
	id := w.send("alice#a.test", "bob#b.test")
	envelopeFrame(t, conn)
	// A new process on the same store knows no session.
	restarted := New(w.st, w.svc.cfg, w.svc.deps, w.key, w.svc.parts, DefaultTiming())
	restarted.fallBackOrphans(context.Background())
	if got := w.queued("b.test"); !slices.Equal(got, append(slices.Clone(before), "envelope/"+id)) {
		t.Fatalf("after the restart: queue %v, want %s appended", got, id)
	}
}
