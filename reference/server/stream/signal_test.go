package stream

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// With a Signaler, an accepted signal frame gets no answer and a refused
// one an error frame with the Signaler's code and retry_after
// (STREAM-SIGNAL-01); PushSignal reaches open streams as a signal frame
// without seq (EPH-FRAME-01).
func TestSignalFrames(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	var mu sync.Mutex
	var got []string
	e.hub.SetSignaler(func(_ context.Context, from address.Address, raw []byte) error {
		mu.Lock()
		got = append(got, from.String()+" "+string(raw))
		mu.Unlock()
		var s struct{ State string }
		json.Unmarshal(raw, &s)
		if s.State == "stop" {
			return &httpapi.Error{Code: "rate_limited", Message: "slow down", RetryAfter: 3}
		}
		return nil
	})
	c := e.open(t, "alice-token", "", 0)
	tests := []struct {
		name  string
		frame string
		code  string // "" when accepted: no frame
		retry int
	}{
		// accepted: no answer
		{"accepted", `{"type":"signal","signal":{"kind":"typing","to":"bob#b.test","state":"start"}}`, "", 0},
		// refused: the code and retry_after
		{"rate limited", `{"type":"signal","signal":{"kind":"typing","to":"bob#b.test","state":"stop"}}`, "rate_limited", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			c.send(tt.frame)
			if tt.code != "" {
				if f := c.next(); f.Type != "error" || f.Error != tt.code || f.RetryAfter != tt.retry {
					t.Fatalf("got %+v, want error %s retry_after %d", f, tt.code, tt.retry)
				}
			}
			c.sync()
		})
	}
	c.t = t
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != `alice#a.test {"kind":"typing","to":"bob#b.test","state":"start"}` {
		t.Fatalf("the signaler saw %v", got)
	}
	e.hub.PushSignal(alice, []byte(`{"kind":"presence","from":"bob#b.test","state":"away"}`))
	if f := c.next(); f.Type != "signal" || f.Seq != 0 {
		t.Fatalf("got %+v, want a signal frame without seq", f)
	}
	c.sync()
}
