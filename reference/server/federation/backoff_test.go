package federation

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/spec"
)

// The longest backoff doubles from BaseBackoff with each failed attempt,
// up to MaxBackoff (15 minutes) for a destination that does not answer
// and up to BusyBackoff for one that answers but is busy (FED-QUEUE-04).
func TestBackoffCeilingByFailure(t *testing.T) {
	tm := Timing{BaseBackoff: time.Second, MaxBackoff: 15 * time.Minute, BusyBackoff: time.Minute}
	tests := []struct {
		attempts int
		why      failure
		want     time.Duration
	}{
		{0, unreachable, time.Second},        // the first retry: at most the base
		{5, unreachable, 32 * time.Second},   // doubling
		{10, unreachable, 15 * time.Minute},  // 1024 s, capped by the spec's 15 minutes
		{500, unreachable, 15 * time.Minute}, // no overflow however many
		{0, busy, time.Second},               // busy starts the same
		{5, busy, 32 * time.Second},          // and doubles the same
		{6, busy, time.Minute},               // up to its own cap
		{500, busy, time.Minute},             // for good
	}
	for _, tt := range tests {
		if got := tm.ceiling(tt.attempts, tt.why); got != tt.want {
			t.Errorf("ceiling after %d attempts, %v: %v, want %v", tt.attempts, tt.why, got, tt.want)
		}
	}
	tm.BusyBackoff = 0
	if got := tm.ceiling(20, busy); got != 15*time.Minute {
		t.Errorf("without BusyBackoff a busy destination waits up to %v, want MaxBackoff", got)
	}
}

// A destination that answers 503 with Retry-After gets its next attempt
// after that wait plus at most BaseBackoff of jitter, however often it
// asks: its waits are not failed attempts, and they do not double
// (ERR-UNAVAILABLE-01, FED-QUEUE-04).
func TestAskedWaitIsHonouredAsAsked(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	a.account("alice#a.test", false)
	b.account("bob#b.test", true)
	a.send("alice#a.test", l.seal("alice#a.test", "bob#b.test", 3600))
	refusals := 6
	b.set(func(n *node) {
		n.inject = func(w http.ResponseWriter, _ *http.Request) bool {
			if refusals == 0 {
				return false
			}
			refusals--
			e := httpapi.Errorf("unavailable", "busy")
			e.Wait = 3
			httpapi.WriteError(w, e)
			return true
		}
	})
	for i := range 6 {
		a.step("b.test") // 503, Retry-After: 3
		wait := a.step("b.test")
		if wait < 3*time.Second || wait > 4*time.Second {
			t.Fatalf("refusal %d: the head waits %v, want 3 s plus at most 1 s", i+1, wait)
		}
		if n := a.queued("b.test")[0].Attempts; n != 0 {
			t.Fatalf("refusal %d: %d attempts counted, want 0", i+1, n)
		}
		l.clock.advance(wait)
	}
	a.step("b.test")
	if q := a.queued("b.test"); len(q) != 0 {
		t.Errorf("%d items still queued after the destination took them", len(q))
	}
}

// A destination that keeps answering 503 without a wait backs its origin
// off by doubling, but never past BusyBackoff: once it recovers, its queue
// moves again within a minute rather than fifteen.
func TestBusyBackoffStopsAtItsCap(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	a.account("alice#a.test", false)
	b.account("bob#b.test", true)
	a.send("alice#a.test", l.seal("alice#a.test", "bob#b.test", 3600))
	b.set(func(n *node) {
		n.inject = func(w http.ResponseWriter, _ *http.Request) bool {
			httpapi.WriteError(w, httpapi.Errorf("unavailable", "busy"))
			return true
		}
	})
	for i := range 14 {
		a.step("b.test")
		wait := a.step("b.test")
		if wait > time.Minute {
			t.Fatalf("failure %d: the head waits %v, more than BusyBackoff", i+1, wait)
		}
		l.clock.advance(wait)
	}
	if n := a.queued("b.test")[0].Attempts; n != 14 {
		t.Errorf("%d attempts counted, want 14", n)
	}
}

// A destination nobody answers for is retried with the spec's backoff:
// doubling past BusyBackoff towards 15 minutes.
func TestUnreachableBackoffGrowsToTheSpecsCap(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	a.account("alice#a.test", false)
	a.send("alice#a.test", l.seal("alice#a.test", "bob#b.test", 24*3600))
	b.srv.Close()
	var longest time.Duration
	for range 14 {
		a.step("b.test")
		wait := a.step("b.test")
		if wait > 15*time.Minute {
			t.Fatalf("the head waits %v, more than MaxBackoff", wait)
		}
		longest = max(longest, wait)
		l.clock.advance(wait)
	}
	if longest <= time.Minute {
		t.Errorf("the longest wait in 14 failures was %v; an unreachable destination should back off past BusyBackoff", longest)
	}
}

// retryAfter takes the header, else a rate_limited body's retry_after,
// and bounds what a destination may ask.
func TestRetryAfterReadsHeaderThenBody(t *testing.T) {
	h := func(v string) http.Header { return http.Header{"Retry-After": {v}} }
	tests := []struct {
		name   string
		header http.Header
		body   string
		want   time.Duration
	}{
		{"header", h("5"), `{"error":"rate_limited","message":"m","retry_after":9}`, 5 * time.Second},
		{"body only", nil, `{"error":"rate_limited","message":"m","retry_after":9}`, 9 * time.Second},
		{"neither", nil, `{"error":"unavailable","message":"m"}`, 0},
		{"an HTTP date is not seconds", h("Wed, 21 Oct 2015 07:28:00 GMT"), `{}`, 0},
		{"zero", h("0"), `{"retry_after":0}`, 0},
		{"huge", h("99999999999999999"), ``, maxRetryAfter},
		{"beyond int64", h("999999999999999999999"), ``, 0},
		{"long", h("86400"), ``, maxRetryAfter},
		{"not JSON", nil, `<html>`, 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.header, []byte(tt.body)); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// The inbox answers a transaction it could not take because it is busy or
// stopping with 503 unavailable and a Retry-After header, its body still
// error.json (which has retry_after for rate_limited only).
func TestInboxBusyAnswerNamesItsWait(t *testing.T) {
	for _, err := range []error{context.DeadlineExceeded, context.Canceled} {
		w := httptest.NewRecorder()
		httpapi.WriteError(w, answerOf(errors.Join(errors.New("apply"), err)))
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "1" {
			t.Errorf("%v: %d, Retry-After %q; want 503 with Retry-After 1", err, w.Code, w.Header().Get("Retry-After"))
		}
		if err := spec.ValidateJSON("error", w.Body.Bytes()); err != nil {
			t.Errorf("%v: the body breaks error.json: %v\n%s", err, err, w.Body)
		}
		var body map[string]any
		if json.Unmarshal(w.Body.Bytes(), &body) != nil || body["error"] != "unavailable" {
			t.Errorf("body %s", w.Body)
		}
	}
}
