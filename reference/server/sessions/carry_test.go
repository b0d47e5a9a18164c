package sessions

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

func TestTheFirstEnvelopeOpensASessionAndLaterOnesJoinIt(t *testing.T) {
	w := newWorld(t)
	first := w.send("alice#a.test", "bob#b.test")
	second := w.send("alice#a.test", "bob#b.test")

	// The ticket item follows the first envelope in b.test's queue, once
	// (SESS-TICKET-01); the second envelope (no socket) queues behind it.
	want := []string{"envelope/" + first, "session_ticket/", "envelope/" + second}
	if got := w.queued("b.test"); !slices.Equal(got, want) {
		t.Fatalf("queue of b.test %v, want %v", got, want)
	}
	var tickets []json.RawMessage
	for _, ev := range w.events("alice#a.test") {
		if err := spec.ValidateJSON("stream-event", ev.Data); err != nil {
			t.Fatalf("alice's event breaks stream-event.json: %v", err)
		}
		tickets = append(tickets, ev.Data)
	}
	if len(tickets) != 1 {
		t.Fatalf("alice has %d events, want one session_ticket", len(tickets))
	}
	var ev struct {
		Ticket     json.RawMessage `json:"ticket"`
		EnvelopeID string          `json:"envelope_id"`
	}
	json.Unmarshal(tickets[0], &ev)
	tk, err := ticket.ParseTicket(ev.Ticket)
	if err != nil || ev.EnvelopeID != first {
		t.Fatalf("ticket %v for %s: %v", tk, ev.EnvelopeID, err)
	}
	// Signed by the host's published key, expiring within 24 hours (SESS-TICKET-02).
	if err := tk.Verify(context.Background(), w.clock.Now(), fedsig.StaticKeys{}.Add("a.test", w.key)); err != nil {
		t.Fatalf("the ticket does not verify: %v", err)
	}
	if life := tk.Expires.Time().Sub(w.clock.Now()); life > 24*time.Hour || life <= 0 {
		t.Fatalf("the ticket lives %v", life)
	}
}

// An operator's EMSG_SESSION_TICKET_TTL shortens the tickets' life, and
// the ticket's federation item expires with it (FED-QUEUE-09 drops it
// then).
func TestTheOperatorShortensTheTicketLife(t *testing.T) {
	w := newWorldWith(t, func(c *config.Config) { c.SessionTicketTTL = 5 * time.Second })
	tk := w.open("bob#b.test")
	if life := tk.Expires.Time().Sub(w.clock.Now()); life != 5*time.Second {
		t.Fatalf("the ticket lives %v, want the configured 5s", life)
	}
	var items []store.QueueItem
	w.update(func(tx *store.Tx) error {
		var err error
		items, err = tx.Peek("b.test", 10)
		return err
	})
	if len(items) != 2 || items[1].Expires != tk.Expires {
		t.Fatalf("queue of b.test %+v, want the envelope and the ticket item expiring with the ticket at %d", items, tk.Expires)
	}
}

func TestNoTicketForAPeerThatDoesNotAdvertiseSessions(t *testing.T) {
	w := newWorld(t)
	w.svc.feats = newFeatureCache(func(context.Context, string) ([]string, error) { return []string{"core"}, nil }, w.svc.deps)
	id := w.send("alice#a.test", "bob#b.test")
	if got := w.queued("b.test"); !slices.Equal(got, []string{"envelope/" + id}) {
		t.Fatalf("queue %v, want the envelope alone (DISC-NEGOTIATE-01)", got)
	}
}

func TestASessionIsPerPair(t *testing.T) {
	w := newWorld(t)
	a := w.open("bob#b.test")
	b := w.open("carol#b.test")
	if a.ID == b.ID || a.Peer != address.MustParse("bob#b.test") || b.Peer != address.MustParse("carol#b.test") {
		t.Fatalf("tickets %s for %s and %s for %s", a.ID, a.Peer, b.ID, b.Peer)
	}
}
