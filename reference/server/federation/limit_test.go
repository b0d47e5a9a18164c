package federation

import (
	"net/http"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/server/ratelimit"
)

// An origin over its limit gets 429 rate_limited with retry_after, and
// its transaction changes nothing; after the wait the same transaction
// goes through (FED-QUEUE-03 retries it unchanged).
func TestInboxLimitsEachOriginAfterItsSignature(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	b.account("bob#b.test", true)
	b.inbox.SetLimiter(ratelimit.New("transactions", 1, l.clock.Now))

	first := l.signed(a.key, "b.test", 0, txnBody(t, "a.test", "b.test", "t1",
		envelopeItem(t, l.seal("alice#a.test", "bob#b.test", 3600))))
	if status, body := b.deliver(first); status != http.StatusOK {
		t.Fatalf("first transaction: %d %s", status, body)
	}
	second := l.signed(a.key, "b.test", 0, txnBody(t, "a.test", "b.test", "t2",
		envelopeItem(t, l.seal("alice#a.test", "bob#b.test", 3600))))
	status, body := b.deliver(second)
	if status != http.StatusTooManyRequests {
		t.Fatalf("second transaction: %d %s, want 429", status, body)
	}
	if evs := b.events("bob#b.test"); len(evs) != 1 {
		t.Fatalf("bob has %d events, want 1: the refused transaction delivered", len(evs))
	}
	l.clock.advance(time.Minute)
	again := l.signed(a.key, "b.test", 0, txnBody(t, "a.test", "b.test", "t2",
		envelopeItem(t, l.seal("alice#a.test", "bob#b.test", 3600))))
	if status, body := b.deliver(again); status != http.StatusOK {
		t.Fatalf("after the wait: %d %s", status, body)
	}
}
