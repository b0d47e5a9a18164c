package federation

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// A group_post or group_fanout item whose envelope expired in the queue,
// and a session_ticket item whose ticket expired, leave it silently: never
// sent again, no receipt to anyone (FED-QUEUE-09). The envelope queued
// after them, still alive, goes alone.
func TestExpiredGroupAndTicketItemsLeaveSilently(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	a.account("alice#a.test", false)
	b.account("bob#b.test", true)
	alice, bob := address.MustParse("alice#a.test"), address.MustParse("bob#b.test")
	post := l.seal("alice#a.test", "club#b.test", 60)
	fanout := l.seal("alice#a.test", "choir#a.test", 60)
	tk, err := ticket.Issue(wire.Seeded("ticket", testNow), a.key, "a.test", alice, bob, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	expires := wire.ToMillis(testNow.Add(time.Minute))
	a.update(func(tx *store.Tx) error {
		for _, it := range []map[string]any{
			{"kind": "group_post", "envelope": json.RawMessage(post)},
			{"kind": "group_fanout", "envelope": json.RawMessage(fanout), "to": []string{"bob#b.test"}},
			{"kind": "session_ticket", "ticket": tk, "envelope_id": idOf(t, post)},
		} {
			raw, err := json.Marshal(it)
			if err != nil {
				return err
			}
			if _, err := tx.Enqueue("b.test", raw, expires); err != nil {
				return err
			}
		}
		return nil
	})
	b.set(func(n *node) {
		n.inject = func(w http.ResponseWriter, _ *http.Request) bool {
			httpapi.WriteError(w, httpapi.Errorf("unavailable", "down"))
			return true
		}
	})
	a.step("b.test")
	l.clock.advance(time.Minute)
	later := l.seal("alice#a.test", "bob#b.test", 3600)
	a.send("alice#a.test", later)
	var mu sync.Mutex
	var sent []string // the kinds of the items b.test is sent after the outage
	b.set(func(n *node) {
		n.inject = func(_ http.ResponseWriter, r *http.Request) bool {
			var txn struct{ Items []struct{ Kind string } }
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			_ = json.Unmarshal(body, &txn)
			mu.Lock()
			defer mu.Unlock()
			for _, it := range txn.Items {
				sent = append(sent, it.Kind)
			}
			return false
		}
	})
	for range 3 { // the expiry, then the envelope, then nothing left
		if _, idle, err := a.outbox.step(t.Context(), "b.test"); err != nil || idle {
			break
		}
	}
	if left := a.queued("b.test"); len(left) != 0 {
		t.Fatalf("%d items left in the queue of b.test", len(left))
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(sent, []string{"envelope"}) {
		t.Errorf("after the outage b.test was sent %v, want the live envelope alone", sent)
	}
	if got := b.received(); len(got) != 2 || got[0] == got[1] {
		t.Errorf("b.test received the transactions %v; want the refused one, then one new with the live envelope", got)
	}
	if got := kinds(b.events("bob#b.test")); !slices.Equal(got, []string{"envelope"}) {
		t.Errorf("bob's log %v, want the live envelope alone", got)
	}
	if got := kinds(a.events("alice#a.test")); len(got) != 0 {
		t.Errorf("alice's log %v: the expired items left with a receipt", got)
	}
}
