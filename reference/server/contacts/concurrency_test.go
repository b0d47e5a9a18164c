package contacts

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// TestConcurrentRequests: many accounts asking one at once each get one
// pending request and one event, and two accounts asking each other at
// once end up accepted on both sides, whichever commits first.
func TestConcurrentRequests(t *testing.T) {
	const n = 12
	f := newFixture(t, "hub", "alice", "bob")
	askers := make([]string, n)
	for i := range askers {
		askers[i] = fmt.Sprintf("user%02d", i)
		f.addAccount(askers[i])
	}
	var wg sync.WaitGroup
	statuses := make(chan int, n+2)
	for _, a := range askers {
		wg.Go(func() {
			s, _ := f.request(a, "hub#a.test")
			statuses <- s
		})
	}
	for a, b := range map[string]string{"alice": "bob", "bob": "alice"} {
		wg.Go(func() {
			s, _ := f.request(a, b+"#a.test")
			statuses <- s
		})
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusAccepted {
			t.Errorf("a concurrent request got %d", s)
		}
	}
	if got := f.pending("hub"); len(got) != n {
		t.Errorf("hub has %d pending requests, want %d", len(got), n)
	}
	if evs := f.events("hub"); len(evs) != n {
		t.Errorf("hub has %d events, want %d", len(evs), n)
	}
	f.wantStates("alice", map[string]string{"bob#a.test": "accepted"})
	f.wantStates("bob", map[string]string{"alice#a.test": "accepted"})
}
