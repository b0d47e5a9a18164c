package sessions

import (
	"context"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/messaging"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Prepare learns, before the store operation, whether the recipient's
// domain takes sessions, and when it does and no live session joins the
// pair, signs the ticket the operation will issue (see [preparedTickets]).
func (s *Service) Prepare(ctx context.Context, env *envelope.Envelope) {
	s.feats.refresh(ctx, env.To.Domain)
	if !s.feats.sessions(env.To.Domain) || s.reg.forEnvelope(env.From, env.To, env.ID, s.now(), s.idle()) != nil {
		return
	}
	if t, err := s.issue(env); err == nil {
		s.prepared.put(env.ID, t)
	}
}

// Carry routes an accepted envelope from a local account to a remote one:
//
//   - no live session with the peer: queue the envelope (relay), then
//     issue a ticket, queue it after the envelope and give the initiator
//     a session_ticket event (SESS-TICKET-01) — when the peer's domain
//     advertises sessions;
//   - a live session whose peer is connected: hold the envelope and offer
//     it on the socket after the commit;
//   - a live session without a socket: queue it (fallback).
func (s *Service) Carry(tx *store.Tx, env *envelope.Envelope, raw []byte, relay func() error) (messaging.Carried, error) {
	now := s.now()
	sess := s.reg.forEnvelope(env.From, env.To, env.ID, now, s.idle())
	if sess == nil {
		if !s.feats.sessions(env.To.Domain) {
			return messaging.Carried{}, relay()
		}
		return s.start(tx, env, raw, relay, now)
	}
	if !sess.confirmed { // a retry of the operation that opened it
		return s.issueItems(tx, sess, env, relay)
	}
	touch := func() { s.reg.touch(sess, now) }
	sock := s.reg.socketOf(sess)
	if sock == nil {
		return messaging.Carried{After: touch}, relay()
	}
	if err := s.hold(tx, sess, env, raw); err != nil {
		return messaging.Carried{}, err
	}
	return messaging.Carried{After: func() { touch(); sock.offer(env.ID, raw) }}, nil
}

// start issues the ticket of a new session opened by env: the one
// Prepare signed, or one signed now.
func (s *Service) start(tx *store.Tx, env *envelope.Envelope, raw []byte, relay func() error, now wire.Millis) (messaging.Carried, error) {
	t := s.prepared.take(env)
	if t == nil {
		var err error
		if t, err = s.issue(env); err != nil {
			return messaging.Carried{}, err
		}
	}
	sess := &session{ticket: t, first: env.ID, last: now, nonces: map[string]struct{}{}}
	s.reg.add(sess)
	return s.issueItems(tx, sess, env, relay)
}

// issue signs a ticket for env's sender (initiator) and recipient (peer).
func (s *Service) issue(env *envelope.Envelope) (*ticket.Ticket, error) {
	s.randMu.Lock()
	defer s.randMu.Unlock()
	t, err := ticket.Issue(s.deps, s.key, s.cfg.Domain, env.From, env.To, s.timing.TicketTTL)
	if err != nil {
		return nil, fmt.Errorf("session for %s: %w", env.ID, err)
	}
	return t, nil
}

// issueItems queues the envelope, then the ticket item after it, and
// appends the initiator's session_ticket event; the session is confirmed
// once they are durable.
func (s *Service) issueItems(tx *store.Tx, sess *session, env *envelope.Envelope, relay func() error) (messaging.Carried, error) {
	if err := relay(); err != nil {
		return messaging.Carried{}, err
	}
	item, err := ticketItem(sess.ticket, env.ID)
	if err != nil {
		return messaging.Carried{}, err
	}
	expires := sess.ticket.Expires
	if _, err := tx.Enqueue(env.To.Domain, item, expires); err != nil {
		return messaging.Carried{}, fmt.Errorf("queue ticket %s: %w", sess.ticket.ID, err)
	}
	if _, err := tx.AppendEvent(env.From.String(), item, expires); err != nil {
		return messaging.Carried{}, fmt.Errorf("ticket event %s: %w", sess.ticket.ID, err)
	}
	return messaging.Carried{Wake: []address.Address{env.From}, After: func() { s.reg.confirm(sess) }}, nil
}

// hold keeps env in the store for the socket, with the federation item
// it falls back to, and remembers (from, id) as a relayed envelope does.
func (s *Service) hold(tx *store.Tx, sess *session, env *envelope.Envelope, raw []byte) error {
	item, err := wrap("envelope", "envelope", raw)
	if err != nil {
		return err
	}
	exp := expiry(env)
	if err := tx.Hold(store.HeldItem{Session: sess.ticket.ID, ID: env.ID, Dest: env.To.Domain, Data: item, Expires: exp}); err != nil {
		return err
	}
	return messaging.RememberDelivery(tx, env.From, env.ID, messaging.Delivery{To: env.To, Expires: exp})
}

// expiry is when an envelope expires: ts + ttl seconds.
func expiry(env *envelope.Envelope) wire.Millis {
	return env.TS + wire.Millis(env.TTL)*1000
}
