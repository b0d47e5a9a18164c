package contacts

import (
	"net/http"
	"slices"
	"sync"
	"testing"
)

// kicks records the destinations the service kicked.
type kicks struct {
	mu    sync.Mutex
	dests []string
}

func (k *kicks) Kick(dest string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.dests = append(k.dests, dest)
}

func (k *kicks) take() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	d := k.dests
	k.dests = nil
	return d
}

// TestKicksTheQueueOfTheRemoteDomain: a request to another domain wakes
// that domain's federation queue once it is stored, so the item leaves
// at once instead of at the outbox's next sweep; a local operation
// kicks nothing.
func TestKicksTheQueueOfTheRemoteDomain(t *testing.T) {
	f := newFixture(t, "alice", "bob")
	k := &kicks{}
	f.svc.SetKicker(k)
	if status, _ := f.request("alice", dave.String()); status != http.StatusAccepted {
		t.Fatalf("request: %d", status)
	}
	if got := k.take(); !slices.Equal(got, []string{remote}) {
		t.Errorf("kicked %v after a request to %s, want [%s]", got, dave, remote)
	}
	if status, _ := f.request("alice", addr("bob").String()); status != http.StatusAccepted {
		t.Fatalf("local request: %d", status)
	}
	if got := k.take(); len(got) != 0 {
		t.Errorf("kicked %v after a local request, want nothing", got)
	}
}
