package retention

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// TestSweepDropsExpiredEnvelopes: an unacknowledged envelope event leaves
// the log at ts + ttl (TTL-DELETE-01), the account gets an expired event
// (TTL-EVENT-01) and the sender an expired receipt, as an event when local
// and as a queued item when remote (RCPT-EXPIRED-01).
func TestSweepDropsExpiredEnvelopes(t *testing.T) {
	tests := []struct {
		name     string
		from     string
		wantItem bool // the receipt is queued for the sender's server
	}{
		// happy path: a local sender gets a receipt event.
		{"local sender", "carol#a.test", false},
		// happy path: a remote sender's server gets a receipt item.
		{"remote sender", "dave#b.test", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.person("bob#a.test")
			raw := w.seal(tt.from, "bob#a.test", 60)
			w.deliver("bob#a.test", raw)
			w.clock.advance(59 * time.Second)
			mustSweep(t, w)
			if evs := w.events("bob#a.test"); len(evs) != 1 || !strings.Contains(evs[0], `"kind":"envelope"`) {
				t.Fatalf("before expiry the log holds %q, want the envelope", evs)
			}
			w.clock.advance(time.Second)
			mustSweep(t, w)
			id := idOf(t, raw)
			want := fmt.Sprintf(`{"kind":"expired","from":%q,"id":%q}`, tt.from, id)
			if evs := w.events("bob#a.test"); !slices.Equal(evs, []string{want}) {
				t.Errorf("after expiry bob's log holds %q, want [%s]", evs, want)
			}
			receipt := fmt.Sprintf(`{"kind":"receipt","receipt":{"kind":"expired","id":%q,"from":"bob#a.test","to":%q,"ts":%d}}`,
				id, tt.from, wire.ToMillis(w.clock.Now()))
			got := w.events(tt.from)
			if tt.wantItem {
				got = w.queued("b.test")
			}
			if !slices.Equal(got, []string{receipt}) {
				t.Errorf("the sender got %q, want [%s]", got, receipt)
			}
		})
	}
}

// TestSweepLeavesAcknowledgedAndOtherEvents: an acknowledged envelope
// owes no receipt, and events without an expiry stay.
func TestSweepLeavesAcknowledgedAndOtherEvents(t *testing.T) {
	w := newWorld(t)
	w.person("bob#a.test")
	w.person("carol#a.test")
	seq := w.deliver("bob#a.test", w.seal("carol#a.test", "bob#a.test", 60))
	w.update(func(tx *store.Tx) error { return tx.Ack("bob#a.test", seq) })
	w.update(func(tx *store.Tx) error {
		_, err := tx.AppendEvent("bob#a.test", []byte(`{"kind":"contact_removed","address":"carol#a.test"}`), 0)
		return err
	})
	w.clock.advance(time.Hour)
	mustSweep(t, w)
	if evs := w.events("bob#a.test"); len(evs) != 1 || !strings.Contains(evs[0], "contact_removed") {
		t.Errorf("bob's log holds %q, want only the contact_removed event", evs)
	}
	if evs := w.events("carol#a.test"); len(evs) != 0 {
		t.Errorf("carol got %q for an acknowledged envelope, want nothing", evs)
	}
}

// TestSweepRemovesABacklogInBatches: more expired events than one step
// removes all leave in one Sweep.
func TestSweepRemovesABacklogInBatches(t *testing.T) {
	w := newWorld(t)
	w.person("bob#a.test")
	raw := w.seal("dave#b.test", "bob#a.test", 1)
	w.update(func(tx *store.Tx) error {
		for range SweepBatch*2 + 3 {
			if _, err := tx.AppendEvent("bob#a.test", append(append([]byte(`{"kind":"envelope","envelope":`), raw...), '}'), wire.ToMillis(testStart)+1000); err != nil {
				return err
			}
		}
		return nil
	})
	w.clock.advance(time.Minute)
	mustSweep(t, w)
	if n := len(w.events("bob#a.test")); n != SweepBatch*2+3 {
		t.Errorf("bob's log holds %d events, want %d expired events", n, SweepBatch*2+3)
	}
	if n := len(w.queued("b.test")); n != SweepBatch*2+3 {
		t.Errorf("%d receipts queued, want %d", n, SweepBatch*2+3)
	}
}

// TestRunSweepsUntilCancelled: Run sweeps at once and returns when its
// context ends.
func TestRunSweepsUntilCancelled(t *testing.T) {
	w := newWorld(t)
	w.person("bob#a.test")
	w.deliver("bob#a.test", w.seal("dave#b.test", "bob#a.test", 1))
	w.clock.advance(time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.sweep.Run(ctx, time.Millisecond); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(w.queued("b.test")) == 0 && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	cancel()
	<-done
	if len(w.queued("b.test")) != 1 {
		t.Errorf("Run did not sweep the expired envelope")
	}
}

func mustSweep(t *testing.T, w *world) {
	t.Helper()
	if err := w.sweep.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// idOf returns the id of an envelope.
func idOf(t testing.TB, raw []byte) string {
	t.Helper()
	i := strings.Index(string(raw), `"id":"`)
	if i < 0 {
		t.Fatalf("no id in %s", raw)
	}
	return string(raw[i+6 : i+32])
}
