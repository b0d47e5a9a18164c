package messaging

import (
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"testing"
)

// 64 clients send distinct envelopes to one recipient at once: every one
// is accepted, and the recipient's log numbers them 1..64 without a gap
// or a repeat, as does the sender's log of delivered receipts.
func TestConcurrentSendsToOneRecipient(t *testing.T) {
	const n = 64
	w := newWorld(t)
	w.befriend("alice#a.test", "bob#a.test")
	envelopes := make([][]byte, n) // sealed first: seeded randomness is not for sharing
	var sent []string
	for i := range envelopes {
		envelopes[i] = toBob(w)
		sent = append(sent, idOf(t, envelopes[i]))
	}

	var wg sync.WaitGroup
	for _, raw := range envelopes {
		wg.Go(func() {
			if a := w.send("alice#a.test", raw); a.status != http.StatusAccepted {
				t.Errorf("got %d %s, want 202", a.status, a.body)
			}
		})
	}
	wg.Wait()

	var delivered []string
	for i, ev := range w.events("bob#a.test") {
		if ev.Seq != uint64(i+1) {
			t.Errorf("bob's event %d has seq %d, want %d", i, ev.Seq, i+1)
		}
		var e struct{ Envelope struct{ ID string } }
		if err := json.Unmarshal(ev.Data, &e); err != nil {
			t.Fatal(err)
		}
		delivered = append(delivered, e.Envelope.ID)
	}
	slices.Sort(sent)
	slices.Sort(delivered)
	if !slices.Equal(delivered, sent) {
		t.Errorf("bob got %d envelopes %v, want each of the %d sent once", len(delivered), delivered, n)
	}
	receipts := w.events("alice#a.test")
	for i, ev := range receipts {
		if ev.Seq != uint64(i+1) {
			t.Errorf("alice's event %d has seq %d, want %d", i, ev.Seq, i+1)
		}
	}
	if len(receipts) != n {
		t.Errorf("alice got %d delivered receipts, want %d", len(receipts), n)
	}
}

// The same envelope posted by 16 clients at once is delivered once.
func TestConcurrentRetriesDeliverOnce(t *testing.T) {
	w := newWorld(t)
	w.befriend("alice#a.test", "bob#a.test")
	raw := toBob(w)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if a := w.send("alice#a.test", raw); a.status != http.StatusAccepted {
				t.Errorf("got %d %s, want 202", a.status, a.body)
			}
		})
	}
	wg.Wait()
	if n := len(w.events("bob#a.test")); n != 1 {
		t.Errorf("bob has %d events, want 1", n)
	}
	if n := len(w.events("alice#a.test")); n != 1 {
		t.Errorf("alice has %d receipts, want 1", n)
	}
}
