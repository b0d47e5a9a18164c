package sessions

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// edit decodes raw, changes it and encodes it again.
func edit(raw []byte, change func(map[string]any)) []byte {
	var m map[string]any
	json.Unmarshal(raw, &m)
	change(m)
	out, _ := json.Marshal(m)
	return out
}

// flip returns a base64url signature with its first byte changed.
func flip(sig wire.Bytes) string {
	b := append(wire.Bytes(nil), sig...)
	b[0] ^= 1
	return wire.EncodeBytes(b)
}

// issueWith signs a ticket for alice and bob with key, as host, at now,
// valid for ttl.
func issueWith(t *testing.T, key fedsig.ServerKey, host string, now time.Time, ttl time.Duration) *ticket.Ticket {
	t.Helper()
	tk, err := ticket.Issue(wire.Seeded("other ticket", now), key, host, address.MustParse("alice#"+host), address.MustParse("bob#b.test"), ttl)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestOpenRefusesTheFirstDefectInTheSpecOrder(t *testing.T) {
	w := newWorld(t)
	tk := w.open("bob#b.test")
	other := w.open("carol#b.test") // a second live session, for step 10
	now := w.clock.Now()
	good := w.proof(tk, "bob#b.test", 0)
	stranger, _ := fedsig.NewServerKey(wire.Seeded("stranger", now), "ed25519:k9")
	impostor, _ := fedsig.NewServerKey(wire.Seeded("impostor", now), "ed25519:k1")

	tests := []struct {
		name  string
		first func() []byte
		code  string
	}{
		// step 1: the frame
		{"not JSON", func() []byte { return []byte("{") }, "bad_request"},
		{"a ping frame", func() []byte { return []byte(`{"type":"ping"}`) }, "bad_request"},
		{"no auth", func() []byte { return edit(openFrameOf(tk, good), func(m map[string]any) { delete(m, "auth") }) }, "bad_request"},
		{"a short proof signature", func() []byte {
			return edit(openFrameOf(tk, good), func(m map[string]any) { m["auth"].(map[string]any)["sig"] = "AAAA" })
		}, "bad_request"},
		// step 2: the ticket's host
		{"a ticket of another host", func() []byte {
			return openFrameOf(issueWith(t, w.key, "c.test", now, time.Hour), good)
		}, "forbidden"},
		// step 3: expiry comes before the key and the signature
		{"an expired ticket with a bad signature", func() []byte {
			old := issueWith(t, impostor, "a.test", now.Add(-2*time.Hour), time.Hour)
			return edit(openFrameOf(old, good), func(m map[string]any) { m["ticket"].(map[string]any)["sig"] = flip(old.Sig) })
		}, "unauthorized"},
		// step 4: a key the host does not have
		{"a ticket signed with an unknown key", func() []byte {
			return openFrameOf(issueWith(t, stranger, "a.test", now, time.Hour), good)
		}, "unauthorized"},
		// step 5: the ticket's signature
		{"a ticket whose signature does not verify", func() []byte {
			return openFrameOf(issueWith(t, impostor, "a.test", now, time.Hour), good)
		}, "bad_signature"},
		// step 6: the proof is about another ticket
		{"a proof for another ticket", func() []byte { return openFrameOf(tk, w.proof(other, "carol#b.test", 0)) }, "bad_request"},
		// step 7: the proof is for another host
		{"a proof for another host", func() []byte {
			a, _ := ticket.NewAuth(wire.Seeded("c", now), tk.ID, tk.Peer, "c.test", w.person("bob#b.test").SignKey())
			return openFrameOf(tk, a)
		}, "forbidden"},
		// step 8: the proof's time
		{"a proof made six minutes ago", func() []byte { return openFrameOf(tk, w.proof(tk, "bob#b.test", -6*time.Minute)) }, "unauthorized"},
		// step 9: the proof's signature
		{"a proof signed by someone else", func() []byte {
			a, _ := ticket.NewAuth(wire.Seeded("m", now), tk.ID, tk.Peer, "a.test", w.person("mallory#b.test").SignKey())
			return openFrameOf(tk, a)
		}, "bad_signature"},
		// step 10: the ticket is of another session than the URL's
		{"the ticket of another session", func() []byte { return openFrameOf(other, w.proof(other, "carol#b.test", 0)) }, "bad_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, f := w.connect(tk.ID, tt.first())
			if f["type"] != "error" || f["error"] != tt.code {
				t.Fatalf("got %v, want an error frame %s", f, tt.code)
			}
			if code := closeCode(t, conn); code != websocket.ClosePolicyViolation {
				t.Fatalf("closed with %d", code)
			}
		})
	}

	// A good open succeeds; the same proof again is replayed (step 12).
	conn, f := w.connect(tk.ID, openFrameOf(tk, good))
	if f["type"] != "ready" || f["resume_from"] != float64(0) {
		t.Fatalf("got %v, want ready from 0", f)
	}
	conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), time.Now().Add(time.Second))
	closeCode(t, conn)
	if _, f := w.connect(tk.ID, openFrameOf(tk, good)); f["error"] != "replayed" {
		t.Fatalf("a replayed proof got %v, want replayed", f)
	}
}

func TestOpenOfAnEndedSessionIsUnauthorized(t *testing.T) {
	w := newWorld(t)
	tk := w.open("bob#b.test")
	conn, _, err := w.dial(tk.ID) // upgraded while the session lived
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if status, _ := w.call("POST", "/emsg/v1/sessions/"+tk.ID+"/end", "alice#a.test", nil); status != http.StatusNoContent {
		t.Fatalf("end: %d", status)
	}
	conn.WriteMessage(websocket.TextMessage, openFrameOf(tk, w.proof(tk, "bob#b.test", 0)))
	if f := readFrame(t, conn); f["error"] != "unauthorized" {
		t.Fatalf("got %v, want unauthorized (step 11)", f)
	}
}

func TestUpgradeWithoutALiveSessionIsNotFound(t *testing.T) {
	w := newWorld(t)
	status, body := w.call("GET", "/emsg/v1/sessions/01HF7YAT00Q07B9BN8X34BT83J/ws", "", upgradeHeader)
	if status != http.StatusNotFound || codeOf(body) != "not_found" {
		t.Fatalf("got %d %s, want 404 not_found", status, body)
	}
	tk := w.open("bob#b.test")
	status, body = w.call("GET", "/emsg/v1/sessions/"+tk.ID+"/ws", "", nil)
	if status != http.StatusBadRequest || codeOf(body) != "bad_request" {
		t.Fatalf("a plain GET got %d %s, want 400 bad_request", status, body)
	}
}
