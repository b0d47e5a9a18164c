package messaging

import (
	"context"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Carrier takes part in accepting envelopes for other domains: the
// sessions package is one (a host issues tickets and carries session
// envelopes on the peer's session socket, section 5). Without a carrier
// every such envelope is queued for federation.
type Carrier interface {
	// Prepare runs before the store operation, with ctx: the place for
	// network look-ups (the peer domain's features). Its failure does not
	// refuse the envelope.
	Prepare(ctx context.Context, env *envelope.Envelope)
	// Carry runs inside the store operation that accepts env, after the
	// checks. relay queues env for federation and remembers (from, id);
	// Carry calls it unless it holds env for a session socket (and then
	// remembers (from, id) itself). The operation may run more than once:
	// Carry changes no memory, and returns what to do after the commit.
	Carry(tx *store.Tx, env *envelope.Envelope, raw []byte, relay func() error) (Carried, error)
}

// Carried is what a [Carrier] asks for once the envelope is durable.
type Carried struct {
	Wake  []address.Address // accounts with new events (the initiator's session_ticket)
	After func()            // run once after the commit (nil: nothing)
}

// SetCarrier makes c take part in accepting envelopes for other domains.
func (s *Service) SetCarrier(c Carrier) { s.carrier = c }
