package sessions

import (
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
)

// A ticket signed ahead is taken once, by an envelope of its pair only,
// and the set stays bounded.
func TestPreparedTicketsAreTakenOnceByTheirPair(t *testing.T) {
	alice, bob, carol := address.MustParse("alice#a.test"), address.MustParse("bob#b.test"), address.MustParse("carol#b.test")
	var p preparedTickets
	p.put("e1", &ticket.Ticket{Initiator: alice, Peer: bob})
	if got := p.take(&envelope.Envelope{ID: "e1", From: alice, To: carol}); got != nil {
		t.Errorf("a ticket for alice → bob was taken for alice → carol")
	}
	p.put("e1", &ticket.Ticket{Initiator: alice, Peer: bob})
	if got := p.take(&envelope.Envelope{ID: "e1", From: alice, To: bob}); got == nil {
		t.Errorf("the ticket prepared for e1 was not taken")
	}
	if got := p.take(&envelope.Envelope{ID: "e1", From: alice, To: bob}); got != nil {
		t.Errorf("a ticket was taken twice")
	}
	for i := range 3 * maxPrepared {
		p.put(string(rune('a'+i%26))+string(rune(i)), &ticket.Ticket{})
	}
	if len(p.m) > maxPrepared {
		t.Errorf("%d tickets kept, more than %d", len(p.m), maxPrepared)
	}
}
