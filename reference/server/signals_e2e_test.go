package server

import (
	"net/http"
	"testing"

	"github.com/gorilla/websocket"
)

func TestTypingAndPresenceCrossDomainsAtOnce(t *testing.T) {
	sl := startSessionLab(t) // alice#a.test and bob#b.test are contacts

	// Alice types to Bob: b.test pushes the signal to Bob's stream, without a seq.
	sl.must(http.StatusAccepted)(sl.call(sl.alice, "a.test", "POST", "/emsg/v1/signals",
		map[string]any{"kind": "typing", "to": "bob#b.test", "state": "start"}))
	f := sl.nextSignal(sl.bobWS)
	sig, _ := f["signal"].(map[string]any)
	if _, hasSeq := f["seq"]; hasSeq || sig["kind"] != "typing" || sig["from"] != "alice#a.test" || sig["state"] != "start" {
		t.Fatalf("Bob got %v", f)
	}

	// Bob's presence goes to Alice as a stream frame of his own.
	if err := sl.bobWS.WriteJSON(map[string]any{"type": "signal", "signal": map[string]any{"kind": "presence", "state": "away"}}); err != nil {
		t.Fatal(err)
	}
	f = sl.nextSignal(sl.aliceWS)
	if sig, _ := f["signal"].(map[string]any); sig["kind"] != "presence" || sig["from"] != "bob#b.test" || sig["state"] != "away" {
		t.Fatalf("Alice got %v", f)
	}

	// Typing to a stranger is forbidden.
	sl.must(http.StatusForbidden)(sl.call(sl.alice, "a.test", "POST", "/emsg/v1/signals",
		map[string]any{"kind": "typing", "to": "carol#b.test", "state": "start"}))
}

// nextSignal reads frames until a signal frame arrives.
func (sl *sessionLab) nextSignal(conn *websocket.Conn) map[string]any {
	sl.t.Helper()
	for range 20 {
		if f := sl.frame(conn); f["type"] == "signal" {
			return f
		}
	}
	sl.t.Fatal("no signal frame among 20 frames")
	return nil
}
