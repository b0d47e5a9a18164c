package sessions

import (
	"sync"

	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
)

// maxPrepared bounds the tickets signed ahead and not yet taken: one whose
// envelope was refused, or that found a session opened meanwhile, is
// dropped when the set is full.
const maxPrepared = 1024

// preparedTickets are tickets [Service.Prepare] signed before the store
// operation that may open their session, by envelope id. Signing takes
// tens of microseconds, and the store operation runs on the store's one
// writer, which every accepted message waits for; so the signature is
// made ahead, on the caller's goroutine, and the operation takes it.
type preparedTickets struct {
	mu sync.Mutex
	m  map[string]*ticket.Ticket
}

// put keeps t for the envelope id.
func (p *preparedTickets) put(id string, t *ticket.Ticket) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil || len(p.m) >= maxPrepared {
		p.m = map[string]*ticket.Ticket{}
	}
	p.m[id] = t
}

// take returns and forgets the ticket prepared for env, if it is env's
// (same initiator and peer).
func (p *preparedTickets) take(env *envelope.Envelope) *ticket.Ticket {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.m[env.ID]
	delete(p.m, env.ID)
	if t == nil || t.Initiator != env.From || t.Peer != env.To {
		return nil
	}
	return t
}
