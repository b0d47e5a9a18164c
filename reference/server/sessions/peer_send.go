package sessions

import (
	"fmt"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/messaging"
	"github.com/emsg-project/emsg/reference/server/store"
)

// maxAhead is how far in the future an envelope's ts may be (ENV-TS-01).
const maxAhead wire.Millis = 300000

// acceptFromPeer accepts an envelope the peer sent on its session socket
// and delivers it to the initiator as a federated envelope would be
// delivered: size, shape, the parties (only from the ticket's peer to its
// initiator: forbidden, SESS-SEND-01), ts, ttl and keys, then (from, id)
// seen before (202 again), the recipient checks, the event.
func (s *Service) acceptFromPeer(sess *session, raw []byte) (int, string, error) {
	now := s.now()
	env, err := s.checkPeerEnvelope(sess, raw, now)
	if err != nil {
		return 0, "", err
	}
	err = s.st.Update(s.ctx, func(tx *store.Tx) error {
		if _, dup, err := messaging.LookupDelivery(tx, env.From, env.ID); err != nil || dup {
			return err
		}
		if err := messaging.CheckRecipient(tx, env, now); err != nil {
			return err
		}
		ev, err := wrap("envelope", "envelope", raw)
		if err != nil {
			return err
		}
		if _, err := tx.AppendEvent(env.To.String(), ev, expiry(env)); err != nil {
			return fmt.Errorf("deliver %s: %w", env.ID, err)
		}
		return messaging.RememberDelivery(tx, env.From, env.ID, messaging.Delivery{To: env.To, Expires: expiry(env)})
	})
	if err != nil {
		return 0, "", err
	}
	s.reg.touch(sess, now)
	s.wake(env.To)
	return http.StatusAccepted, env.ID, nil
}

// checkPeerEnvelope runs the checks that need no stored state.
func (s *Service) checkPeerEnvelope(sess *session, raw []byte, now wire.Millis) (*envelope.Envelope, error) {
	if len(raw) > s.cfg.MaxEnvelopeBytes {
		return nil, httpapi.Errorf("too_large", "the envelope is %d bytes, the limit is %d", len(raw), s.cfg.MaxEnvelopeBytes)
	}
	env, err := envelope.ParseEnvelope(raw)
	if err != nil {
		return nil, fmt.Errorf("envelope: %w", err)
	}
	if env.From != sess.ticket.Peer || env.To != sess.ticket.Initiator {
		return nil, httpapi.Errorf("forbidden", "a session socket carries envelopes from %s to %s only", sess.ticket.Peer, sess.ticket.Initiator)
	}
	if env.TS > now+maxAhead {
		return nil, httpapi.Errorf("bad_request", "ts %d is more than %d ms ahead of the server's clock (%d)", env.TS, maxAhead, now)
	}
	if err := envelope.CheckTTL(env, s.cfg.MaxTTL); err != nil {
		return nil, fmt.Errorf("envelope: %w", err)
	}
	if expiry(env) <= now {
		return nil, httpapi.Errorf("bad_request", "the envelope expired at %d", expiry(env))
	}
	if _, ok := env.Keys[env.From]; !ok {
		return nil, httpapi.Errorf("bad_request", "keys has no entry for the sender %s", env.From)
	}
	return env, nil
}
