package federation

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// A lane sends the next transaction as soon as the previous one is
// answered, while the answered items are still being removed: the
// destination still gets the transactions one after another, in queue
// order (FED-QUEUE-02), and each item once.
func TestLaneSendsPastItemsBeingRemoved(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	a.account("alice#a.test", false)
	b.account("bob#b.test", true)
	b.set(func(n *node) { n.maxTxnItems = 1 }) // one item per transaction
	var ids []string
	for range 3 {
		raw := l.seal("alice#a.test", "bob#b.test", 3600)
		a.send("alice#a.test", raw)
		ids = append(ids, idOf(t, raw))
	}
	var c cursor
	for i := range 3 {
		if _, idle, err := a.outbox.advance(context.Background(), "b.test", &c); err != nil || idle {
			t.Fatalf("advance %d: idle %v, %v", i, idle, err)
		}
	}
	// Past the end, the lane first waits for the last removal, then is idle.
	for i, want := range []bool{false, true} {
		if _, idle, err := a.outbox.advance(context.Background(), "b.test", &c); err != nil || idle != want || c.pending != nil {
			t.Fatalf("advance %d past the end: idle %v, %v, pending %v; want idle %v, none pending", i, idle, err, c.pending, want)
		}
	}
	if q := a.queued("b.test"); len(q) != 0 {
		t.Errorf("a.test still queues %d items", len(q))
	}
	if got := b.received(); !slices.Equal(got, []string{"q1-1-1", "q2-2-1", "q3-3-1"}) {
		t.Errorf("b.test received %v, want q1-1-1 q2-2-1 q3-3-1", got)
	}
	var got []string
	for _, ev := range b.events("bob#b.test") {
		got = append(got, ev["envelope"].(map[string]any)["id"].(string))
	}
	if !slices.Equal(got, ids) {
		t.Errorf("bob's log %v, want %v (queue order)", got, ids)
	}
}

// settle waits for the removal in flight; when it failed, the cursor goes
// back to the head so that the items are sent again.
func TestCursorSettle(t *testing.T) {
	for _, c := range []struct {
		name      string
		pending   error // the removal's outcome; nil channel when none
		none      bool
		wantAfter uint64
	}{
		// Nothing in flight: nothing changes.
		{"none in flight", nil, true, 7},
		// The removal succeeded: the cursor stays past the items.
		{"removed", nil, false, 7},
		// The removal failed: back to the head.
		{"failed", errors.New("disk full"), false, 0},
	} {
		cur := cursor{after: 7}
		if !c.none {
			cur.pending = make(chan error, 1)
			cur.pending <- c.pending
		}
		err := cur.settle()
		if !errors.Is(err, c.pending) || cur.after != c.wantAfter || cur.pending != nil {
			t.Errorf("%s: settle = %v, after %d, pending %v; want %v, after %d, none", c.name, err, cur.after, cur.pending, c.pending, c.wantAfter)
		}
	}
}
