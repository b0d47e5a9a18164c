package stream

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/server/config"
)

// STREAM-READY-01: the first frame is ready with the acknowledged seq.
func TestReadyIsTheFirstFrame(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	c := e.open(t, "alice-token", "", 0)
	c.sync()
}

// STREAM-REPLAY-01, STREAM-ACK-01: a new stream replays every
// unacknowledged event in order with its seq, and never an acknowledged one.
func TestReplayAfterReconnect(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	for i := range 3 {
		e.appendEvent(t, alice, event(i))
	}
	c := e.open(t, "alice-token", "", 0)
	for seq := uint64(1); seq <= 3; seq++ {
		f := c.wantEvent(seq)
		if string(f.Event) != event(int(seq-1)) {
			t.Errorf("event %d = %s, want %s", seq, f.Event, event(int(seq-1)))
		}
	}
	c.send(`{"type":"ack","seq":2}`)
	c.sync()
	if got := e.ackedSeq(t, alice); got != 2 {
		t.Fatalf("AckedSeq = %d after ack 2", got)
	}
	_ = c.ws.Close()

	c = e.open(t, "alice-token", "", 2)
	c.wantEvent(3)
	c.sync()
	_ = c.ws.Close()

	// since=3 acknowledges event 3, which was sent: nothing is replayed.
	c = e.open(t, "alice-token", "since=3", 3)
	c.sync()
	e.appendEvent(t, alice, event(4))
	c.wantEvent(4)
}

// STREAM-ACK-02: since beyond what was sent acknowledges only what was sent.
func TestSinceBeyondWhatWasSent(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	for i := range 3 {
		e.appendEvent(t, alice, event(i))
	}
	// No stream ever received these events: since=3 acknowledges none.
	c := e.open(t, "alice-token", "since=3", 0)
	c.wantEvent(1)
	c.wantEvent(2)
	c.wantEvent(3)
	_ = c.ws.Close()
	// Sent now; since=9 acknowledges up to 3 only.
	e.appendEvent(t, alice, event(4))
	c = e.open(t, "alice-token", "since=9", 3)
	c.wantEvent(4)
	c.sync()
}

// Live events are pushed when the hub is notified, and only stored ones.
func TestLivePush(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	c := e.open(t, "alice-token", "", 0)
	for i := range 100 { // more than one store batch
		e.appendEvent(t, alice, event(i))
	}
	for seq := uint64(1); seq <= 100; seq++ {
		c.wantEvent(seq)
	}
	e.hub.Notify(alice) // nothing new: nothing sent
	c.sync()
}

// STREAM-MULTI-01: every stream of an account gets every event, and an ack
// on one counts for all.
func TestTwoStreamsOfOneAccount(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	e.tokens.add("alice-phone", "alice#a.test")
	a := e.open(t, "alice-token", "", 0)
	b := e.open(t, "alice-phone", "", 0)
	e.appendEvent(t, alice, event(1))
	e.appendEvent(t, alice, event(2))
	for _, c := range []*client{a, b} {
		c.wantEvent(1)
		c.wantEvent(2)
	}
	a.send(`{"type":"ack","seq":2}`)
	a.sync()
	b.send(`{"type":"ack","seq":2}`) // already acknowledged: no answer
	b.sync()
	e.open(t, "alice-phone", "", 2).sync()
}

// Ack frames: what they acknowledge, and what they may not.
func TestAck(t *testing.T) {
	tests := []struct {
		name      string
		frame     string
		wantError string // error frame code, "" for no answer
		wantAcked uint64
	}{
		// happy path
		{"ack up to the last sent", `{"type":"ack","seq":3}`, "", 3},
		{"ack of a part", `{"type":"ack","seq":1}`, "", 1},
		// sad path
		{"ack beyond the last sent (STREAM-ACK-02)", `{"type":"ack","seq":4}`, "bad_request", 0},
		{"ack of seq 0 (schema: seq >= 1)", `{"type":"ack","seq":0}`, "bad_request", 0},
		{"ack with a string seq", `{"type":"ack","seq":"3"}`, "bad_request", 0},
		{"ack without seq", `{"type":"ack"}`, "bad_request", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, time.Hour, nil)
			for i := range 3 {
				e.appendEvent(t, alice, event(i))
			}
			c := e.open(t, "alice-token", "", 0)
			for seq := uint64(1); seq <= 3; seq++ {
				c.wantEvent(seq)
			}
			c.send(tt.frame)
			if tt.wantError != "" {
				if f := c.next(); f.Type != "error" || f.Error != tt.wantError {
					t.Fatalf("got %+v, want an error frame %s", f, tt.wantError)
				}
			}
			c.sync()
			if got := e.ackedSeq(t, alice); got != tt.wantAcked {
				t.Errorf("AckedSeq = %d, want %d", got, tt.wantAcked)
			}
		})
	}
}

// An ack below an earlier one changes nothing and is not answered.
func TestAckBelowEarlierAck(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	for i := range 3 {
		e.appendEvent(t, alice, event(i))
	}
	c := e.open(t, "alice-token", "", 0)
	for seq := uint64(1); seq <= 3; seq++ {
		c.wantEvent(seq)
	}
	c.send(`{"type":"ack","seq":3}`)
	c.send(`{"type":"ack","seq":1}`)
	c.sync()
	if got := e.ackedSeq(t, alice); got != 3 {
		t.Errorf("AckedSeq = %d, want 3", got)
	}
}

// STREAM-PING-01.
func TestPingPong(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	c := e.open(t, "alice-token", "", 0)
	for range 3 {
		c.sync()
	}
}

// STREAM-FRAME-01: an invalid frame gets bad_request, changes nothing and
// leaves the stream open.
func TestBadFrames(t *testing.T) {
	tests := []struct {
		name  string
		frame string
	}{
		// sad path
		{"not JSON", `ack 1`},
		{"a JSON array", `[]`},
		{"an unknown frame type", `{"type":"subscribe"}`},
		{"no type", `{"seq":1}`},
		{"an extra member", `{"type":"ping","x":1}`},
		{"a float seq", `{"type":"ack","seq":1.5}`},
		{"a repeated member", `{"type":"ping","type":"ping"}`},
		{"send without an envelope", `{"type":"send","ref":"r1"}`},
		{"send with a bad ref", `{"type":"send","ref":"r 1","envelope":{}}`},
		{"a signal of an unknown kind", `{"type":"signal","signal":{"kind":"shout"}}`},
		{"a long unknown type (the message is cut to 1024 characters)", `{"type":"` + strings.Repeat("é", 5000) + `"}`},
	}
	e := newEnv(t, time.Hour, nil)
	e.appendEvent(t, alice, event(1))
	c := e.open(t, "alice-token", "", 0)
	c.wantEvent(1)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			c.send(tt.frame)
			if f := c.next(); f.Type != "error" || f.Error != "bad_request" {
				t.Fatalf("got %+v, want an error frame bad_request", f)
			}
			c.sync()
		})
	}
	c.t = t
	if err := c.ws.WriteMessage(websocket.BinaryMessage, []byte(`{"type":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	if f := c.next(); f.Type != "error" || f.Error != "bad_request" {
		t.Fatalf("binary frame: got %+v, want an error frame bad_request", f)
	}
	c.sync()
	if got := e.ackedSeq(t, alice); got != 0 {
		t.Errorf("AckedSeq = %d after bad frames, want 0", got)
	}
}

// Signals are not offered: a valid signal frame gets not_found, as POST
// /signals would (STREAM-SIGNAL-01, CONF-FEATURE-01).
func TestSignalFrameNotOffered(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	c := e.open(t, "alice-token", "", 0)
	c.send(`{"type":"signal","signal":{"kind":"typing","to":"bob#b.test","state":"start"}}`)
	if f := c.next(); f.Type != "error" || f.Error != "not_found" {
		t.Fatalf("got %+v, want an error frame not_found", f)
	}
	c.sync()
}

// A frame larger than 131072 bytes closes the stream with 1009.
func TestOversizedFrame(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	c := e.open(t, "alice-token", "", 0)
	big := fmt.Sprintf(`{"type":"ping","pad":%q}`, make([]byte, MaxFrameBytes))
	c.send(big)
	c.wantClose(websocket.CloseMessageTooBig)
}

// LIMIT-IDLE-01: no client frame for StreamIdleTimeout closes the stream;
// client frames keep it open.
func TestIdleClose(t *testing.T) {
	const idle = 300 * time.Millisecond
	e := newEnv(t, time.Hour, func(c *config.Config) { c.StreamIdleTimeout = idle })
	c := e.open(t, "alice-token", "", 0)
	start := time.Now()
	for time.Since(start) < 2*idle { // a ping every idle/3 keeps it open
		c.sync()
		<-time.After(idle / 3) // pacing the client, not waiting for the server
	}
	quiet := time.Now()
	c.wantClose(websocket.CloseNormalClosure)
	if waited := time.Since(quiet); waited < idle/2 {
		t.Errorf("closed after %v of silence, want about %v", waited, idle)
	}
}
