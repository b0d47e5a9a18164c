package federation

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/spec"
)

// ticketItemOf is a session_ticket item for a ticket host issued, signed
// with key, from initiator to peer, valid for ttl from the lab's clock.
func (l *lab) ticketItemOf(key fedsig.ServerKey, host, initiator, peer string, ttl time.Duration) json.RawMessage {
	l.t.Helper()
	tk, err := ticket.Issue(wire.Seeded("ticket "+initiator+peer+ttl.String(), l.clock.Now()), key, host,
		address.MustParse(initiator), address.MustParse(peer), ttl)
	if err != nil {
		l.t.Fatal(err)
	}
	raw, _ := tk.Bytes()
	item, _ := json.Marshal(map[string]any{"kind": "session_ticket", "ticket": json.RawMessage(raw), "envelope_id": "01HF7YAT00011WPRHPQ49SFGWC"})
	return item
}

// A session ticket reaches its peer as a session_ticket event
// (SESS-EVENT-01), once, and only from its host (FED-SPOOF-03).
func TestInboxSessionTickets(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	b.account("bob#b.test", true)
	good := l.ticketItemOf(a.key, "a.test", "alice#a.test", "bob#b.test", time.Hour)
	rows := []struct {
		item json.RawMessage
		want string
	}{
		{good, "ok"},        // delivered to bob
		{good, "duplicate"}, // the same ticket again (FED-TXN-05)
		{l.ticketItemOf(a.key, "c.test", "alice#c.test", "bob#b.test", time.Hour), "forbidden"},    // another host (FED-SPOOF-03)
		{l.ticketItemOf(a.key, "a.test", "alice#a.test", "carol#c.test", time.Hour), "forbidden"},  // a peer elsewhere (FED-TXN-06)
		{l.ticketItemOf(a.key, "a.test", "alice#a.test", "nobody#b.test", time.Hour), "not_found"}, // no such account
		{l.ticketItemOf(a.key, "a.test", "alice#a.test", "bob#b.test", time.Millisecond), ""},      // expired on arrival (below)
	}
	l.clock.advance(time.Second)
	items := make([]json.RawMessage, len(rows))
	for i, r := range rows {
		items[i] = r.item
	}
	status, body := b.deliver(l.signed(a.key, "b.test", 0, txnBody(t, "a.test", "b.test", "tickets", items...)))
	if status != 200 {
		t.Fatalf("got %d %s", status, body)
	}
	var rs results
	json.Unmarshal(body, &rs)
	for i, r := range rs.Results {
		got := r.Status
		if got == statusError {
			got = r.Error
		}
		if rows[i].want != "" && got != rows[i].want || rows[i].want == "" && got == statusOK {
			t.Errorf("item %d: got %s (%s), want %s", i, got, r.Message, rows[i].want)
		}
	}
	evs := b.events("bob#b.test")
	if got := kinds(evs); !slices.Equal(got, []string{"session_ticket"}) {
		t.Fatalf("bob's log: %v", got)
	}
	raw, _ := json.Marshal(evs[0])
	if err := spec.ValidateJSON("stream-event", raw); err != nil {
		t.Fatalf("the event breaks stream-event.json: %v", err)
	}
}
