package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// An envelope alice#a.test sends to bob#b.test crosses in one signed
// transaction, lands in bob's log as sent, and a delivered receipt comes
// back to alice through b.test's queue (DELIV-LOCAL-01, FED-DELIVERED-01).
func TestEnvelopeCrossesServers(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	a.account("alice#a.test", false)
	b.account("bob#b.test", true)
	raw := l.seal("alice#a.test", "bob#b.test", 3600)
	a.send("alice#a.test", raw)

	a.step("b.test")
	if q := a.queued("b.test"); len(q) != 0 {
		t.Fatalf("a.test still queues %d items for b.test", len(q))
	}
	evs := b.events("bob#b.test")
	if len(evs) != 1 || evs[0]["kind"] != "envelope" {
		t.Fatalf("bob's log: %v", kinds(evs))
	}
	got, _ := json.Marshal(evs[0]["envelope"])
	if idOf(t, got) != idOf(t, raw) || !b.woken.has("bob#b.test") {
		t.Errorf("bob got %s (woken: %v)", got, b.woken.woken)
	}
	if q := b.queued("a.test"); len(q) != 1 || !strings.Contains(string(q[0].Data), `"kind":"delivered"`) {
		t.Fatalf("b.test queues for a.test: %v", q)
	}

	b.step("a.test")
	evs = a.events("alice#a.test")
	if !slices.Equal(kinds(evs), []string{"receipt:delivered"}) || !a.woken.has("alice#a.test") {
		t.Fatalf("alice's log: %v", kinds(evs))
	}
	if r := evs[0]["receipt"].(map[string]any); r["id"] != idOf(t, raw) || r["from"] != "bob#b.test" {
		t.Errorf("receipt %v", r)
	}
}

// Run and Kick drive the same exchange without a test stepping: the
// sweep finds the queue, the inbox kicks b.test's outbox for the receipt.
func TestRunDeliversAndClosesCleanly(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	a.account("alice#a.test", false)
	b.account("bob#b.test", true)
	for _, n := range []*node{a, b} {
		done := make(chan error, 1)
		go func() { done <- n.outbox.Run(context.Background()) }()
		t.Cleanup(func() {
			n.outbox.Close()
			if err := <-done; err != nil {
				t.Error(err)
			}
		})
	}
	raw := l.seal("alice#a.test", "bob#b.test", 3600)
	a.send("alice#a.test", raw)
	a.outbox.Kick("b.test")
	deadline := time.Now().Add(10 * time.Second)
	for len(a.events("alice#a.test")) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no delivered receipt; bob has %v", kinds(b.events("bob#b.test")))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := kinds(a.events("alice#a.test")); !slices.Equal(got, []string{"receipt:delivered"}) {
		t.Errorf("alice's log: %v", got)
	}
}

// A transaction that meets 503 is retried after a backoff of at most the
// base second, with the same txn and items; the next items wait behind
// it, and the destination's max_txn_items bounds every transaction
// (FED-QUEUE-02, -03, -04, -07).
func TestRetryKeepsTxnAndOrder(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	a.account("alice#a.test", false)
	b.account("bob#b.test", true)
	b.set(func(n *node) { n.maxTxnItems = 2 })
	var ids []string
	for range 3 {
		raw := l.seal("alice#a.test", "bob#b.test", 3600)
		a.send("alice#a.test", raw)
		ids = append(ids, idOf(t, raw))
	}
	failures := 1
	b.set(func(n *node) {
		n.inject = func(w http.ResponseWriter, _ *http.Request) bool {
			if failures == 0 {
				return false
			}
			failures--
			httpapi.WriteError(w, httpapi.Errorf("unavailable", "down for a moment"))
			return true
		}
	})

	a.step("b.test") // 503
	wait := a.step("b.test")
	if wait <= 0 || wait > time.Second {
		t.Fatalf("after one failure the head waits %v, want (0, 1s]", wait)
	}
	if len(b.received()) != 1 {
		t.Fatalf("sent during the backoff: %v", b.received())
	}
	l.clock.advance(wait)
	a.step("b.test")
	a.step("b.test")
	if got, want := b.received(), []string{"q1-2-2", "q1-2-2", "q3-3-1"}; !slices.Equal(got, want) {
		t.Errorf("transactions %v, want %v", got, want)
	}
	var got []string
	for _, e := range b.events("bob#b.test") {
		got = append(got, e["envelope"].(map[string]any)["id"].(string))
	}
	if !slices.Equal(got, ids) {
		t.Errorf("bob got %v, want %v in order", got, ids)
	}
}

// What each answer to a whole transaction does (FED-QUEUE-03, -04, -08).
func TestTransactionAnswers(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		code       string
		retryAfter string
		retried    bool
		minWait    time.Duration
	}{
		// a server error: retried
		{"500", http.StatusInternalServerError, "internal", "", true, 0},
		// unavailable: retried
		{"503", http.StatusServiceUnavailable, "unavailable", "", true, 0},
		// a clock or key not yet published: retried
		{"401", http.StatusUnauthorized, "unauthorized", "", true, 0},
		// rate limited: retried no sooner than retry_after
		{"429", http.StatusTooManyRequests, "rate_limited", "7", true, 7 * time.Second},
		// refused for good: every envelope gets a failed receipt
		{"400", http.StatusBadRequest, "bad_request", "", false, 0},
		// destination refused for good
		{"403", http.StatusForbidden, "forbidden", "", false, 0},
		// too large for good
		{"413", http.StatusRequestEntityTooLarge, "too_large", "", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLab(t, "a.test", "b.test")
			a, b := l.nodes["a.test"], l.nodes["b.test"]
			a.account("alice#a.test", false)
			b.account("bob#b.test", true)
			a.send("alice#a.test", l.seal("alice#a.test", "bob#b.test", 3600))
			a.send("alice#a.test", l.seal("alice#a.test", "bob#b.test", 3600))
			b.set(func(n *node) {
				n.inject = func(w http.ResponseWriter, _ *http.Request) bool {
					e := &httpapi.Error{Code: tt.code, Message: "test"}
					if tt.retryAfter != "" {
						e.RetryAfter = 7
					}
					httpapi.WriteError(w, e)
					return true
				}
			})
			a.step("b.test")
			wait := a.step("b.test")
			queued := len(a.queued("b.test"))
			alice := kinds(a.events("alice#a.test"))
			if tt.retried {
				if queued != 2 || len(alice) != 0 || wait < tt.minWait || wait > 15*time.Minute {
					t.Errorf("queued %d, alice %v, wait %v; want both items kept, no receipt, wait >= %v", queued, alice, wait, tt.minWait)
				}
				return
			}
			if queued != 0 || !slices.Equal(alice, []string{"receipt:failed", "receipt:failed"}) {
				t.Errorf("queued %d, alice %v; want both items failed", queued, alice)
			}
			if r := a.events("alice#a.test")[0]["receipt"].(map[string]any); r["error"] != tt.code {
				t.Errorf("failed receipt %v, want error %s", r, tt.code)
			}
		})
	}
}

// A per-item refusal ends the item with a failed receipt carrying the code
// and, for moved, moved_to (DELIV-FAILED-01); the other items are ok.
func TestPerItemRefusalsBecomeFailedReceipts(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	a.account("alice#a.test", false)
	b.account("bob#b.test", true)
	b.account("dora#b.test", false)
	b.update(func(tx *store.Tx) error {
		return tx.PutAccount(store.Account{Address: "eve#b.test", State: store.StateMoved, MovedTo: "eve#c.test", Created: 1})
	})
	for _, to := range []string{"nobody#b.test", "bob#b.test", "dora#b.test", "eve#b.test"} {
		a.send("alice#a.test", l.seal("alice#a.test", to, 3600))
	}
	a.step("b.test")
	if q := a.queued("b.test"); len(q) != 0 {
		t.Fatalf("%d items still queued", len(q))
	}
	var got []string
	for _, e := range a.events("alice#a.test") {
		r := e["receipt"].(map[string]any)
		got = append(got, fmt.Sprint(r["kind"], " ", r["from"], " ", r["error"], " ", r["moved_to"]))
	}
	want := []string{
		"failed nobody#b.test not_found <nil>",
		"failed dora#b.test not_a_contact <nil>",
		"failed eve#b.test moved eve#c.test",
	}
	if !slices.Equal(got, want) {
		t.Errorf("alice's receipts\n%v\nwant\n%v", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// An envelope that expires in the queue is never sent; its sender gets an
// expired receipt from the recipient (FED-QUEUE-05).
func TestExpiredItemsAreNeverSent(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	a.account("alice#a.test", false)
	b.account("bob#b.test", true)
	raw := l.seal("alice#a.test", "bob#b.test", 60)
	a.send("alice#a.test", raw)
	b.set(func(n *node) {
		n.inject = func(w http.ResponseWriter, _ *http.Request) bool {
			httpapi.WriteError(w, httpapi.Errorf("unavailable", "down"))
			return true
		}
	})
	a.step("b.test")
	l.clock.advance(60 * time.Second)
	if wait, idle, err := a.outbox.step(context.Background(), "b.test"); err != nil || wait != 0 || idle {
		t.Fatalf("step: %v %v %v", wait, idle, err)
	}
	if _, idle, _ := a.outbox.step(context.Background(), "b.test"); !idle {
		t.Errorf("the queue is not empty after expiry")
	}
	if got := b.received(); len(got) != 1 {
		t.Errorf("b.test received %v; the expired item was sent again", got)
	}
	evs := a.events("alice#a.test")
	if !slices.Equal(kinds(evs), []string{"receipt:expired"}) {
		t.Fatalf("alice's log: %v", kinds(evs))
	}
	if r := evs[0]["receipt"].(map[string]any); r["id"] != idOf(t, raw) || r["from"] != "bob#b.test" {
		t.Errorf("expired receipt %v", r)
	}
}
