package sessions

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestEndAnswersAsTheSpecSays(t *testing.T) {
	w := newWorld(t)
	tk := w.open("bob#b.test")
	w.person("eve#a.test")
	path := "/emsg/v1/sessions/" + tk.ID + "/end"
	tests := []struct {
		name   string
		path   string
		caller string
		status int
		code   string
	}{
		// sad path: no token
		{"without a token", path, "", 401, "unauthorized"},
		// sad path: a session id that is not a ULID
		{"a bad id", "/emsg/v1/sessions/nope/end", "alice#a.test", 400, "bad_request"},
		// SESS-END-02: unknown session
		{"an unknown session", "/emsg/v1/sessions/01HF7YAT00Q07B9BN8X34BT83J/end", "alice#a.test", 404, "not_found"},
		// SESS-END-02: not a party
		{"another account", path, "eve#a.test", 403, "forbidden"},
		// happy path, then ending again is harmless
		{"the initiator", path, "alice#a.test", 204, ""},
		{"the initiator again", path, "alice#a.test", 204, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := w.call("POST", tt.path, tt.caller, nil)
			if status != tt.status || codeOf(body) != tt.code {
				t.Fatalf("got %d %s, want %d %s", status, body, tt.status, tt.code)
			}
		})
	}
	// The ended session is refused, and the next envelope starts another.
	if _, resp, err := w.dial(tk.ID); err == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("dial an ended session: %v", err)
	}
	if next := w.open("bob#b.test"); next.ID == tk.ID {
		t.Fatal("no new session after the end")
	}
}

func TestEndingClosesTheSocketWith4002(t *testing.T) {
	tests := []struct {
		name string
		end  func(w *world, id string)
	}{
		// the initiator asks
		{"on request", func(w *world, id string) {
			w.call("POST", "/emsg/v1/sessions/"+id+"/end", "alice#a.test", nil)
		}},
		// 600 s without an envelope
		{"when idle", func(w *world, _ string) {
			w.clock.advance(600 * time.Second)
			w.svc.sweep(context.Background())
		}},
		// the ticket expires (and no sooner idle: an envelope every 500 s)
		{"at the ticket's expiry", func(w *world, _ string) {
			for range 24 * 60 * 60 / 500 {
				w.clock.advance(500 * time.Second)
				w.svc.sweep(context.Background())
			}
			w.clock.advance(24 * time.Hour)
			w.svc.sweep(context.Background())
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, conn, _ := connected(t)
			id := ""
			for sid := range w.svc.reg.byID {
				id = sid
			}
			tt.end(w, id)
			if code := closeCode(t, conn); code != CloseEnded {
				t.Fatalf("closed with %d, want %d", code, CloseEnded)
			}
			if _, resp, err := w.dial(id); err == nil || resp.StatusCode != http.StatusNotFound {
				t.Fatalf("the ended session's socket opened: %v", err)
			}
		})
	}
}

func TestThePeerEndsTheSessionByClosingNormally(t *testing.T) {
	w, conn, _ := connected(t)
	var sess *session
	for _, s := range w.svc.reg.byID {
		sess = s
	}
	conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye"), time.Now().Add(time.Second))
	closeCode(t, conn)
	eventually(t, "the session ends", func() bool {
		w.svc.reg.mu.Lock()
		defer w.svc.reg.mu.Unlock()
		return sess.ended
	})
}
