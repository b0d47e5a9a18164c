package groups

import (
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/messaging"
	"github.com/emsg-project/emsg/reference/server/store"
)

// RouteGroup is [Service.Route] in the shape messaging.GroupRouter wants.
func (s *Service) RouteGroup(tx *store.Tx, env *envelope.Envelope, raw []byte, now wire.Millis) (bool, []address.Address, []string, error) {
	handled, fx, err := s.Route(tx, env, raw, now)
	return handled, fx.Wake, fx.Kick, err
}

// Route takes an envelope a local account sends, in the messaging
// service's store operation, when its to is a group: a group hosted here
// is checked and fanned out ([host.post]); a group hosted elsewhere that
// this server mirrors (it has local members) is queued for its host as a
// group_post item (GROUP-FORWARD-01). handled is false for an envelope to
// an account, which messaging delivers itself.
func (s *Service) Route(tx *store.Tx, env *envelope.Envelope, raw []byte, now wire.Millis) (handled bool, fx Effects, err error) {
	to := env.To.String()
	_, known, err := tx.GetGroup(to)
	if err != nil {
		return false, Effects{}, err
	}
	if env.To.Domain == s.cfg.Domain {
		if !known {
			return false, Effects{}, nil
		}
		fx, err := s.host.post(tx, env, raw)
		return true, fx, err
	}
	if !known {
		return false, Effects{}, nil
	}
	item, err := postItem(raw)
	if err != nil {
		return true, Effects{}, err
	}
	if _, err := tx.Enqueue(env.To.Domain, item, expiry(env)); err != nil {
		return true, Effects{}, fmt.Errorf("queue group post %s: %w", env.ID, err)
	}
	err = messaging.RememberDelivery(tx, env.From, env.ID, messaging.Delivery{To: env.To, Expires: expiry(env)})
	return true, Effects{Kick: []string{env.To.Domain}}, err
}

// post checks a group envelope at the host — the group exists (not_found)
// and lives (gone), the sender is a current member (forbidden,
// GROUP-POST-01) — and delivers it unchanged to every other current member
// (GROUP-FANOUT-01): local members on their streams, each other server in
// one group_fanout item listing its members (GROUP-FANOUT-02). No receipt
// is made (RCPT-GROUP-01). The caller has checked (from, id).
func (h *host) post(tx *store.Tx, env *envelope.Envelope, raw []byte) (Effects, error) {
	g, err := h.hosted(tx, env.To.String())
	if err != nil {
		return Effects{}, err
	}
	if g.Role(env.From.String()) == "" {
		return Effects{}, httpapi.Errorf("forbidden", "%s is not a member of %s", env.From, g.Address)
	}
	ev, err := envelopeEvent(raw)
	if err != nil {
		return Effects{}, err
	}
	var fx Effects
	remote := map[string][]string{}
	for _, m := range g.Members {
		switch d := domainOf(m.Address); {
		case m.Address == env.From.String():
		case d != h.self:
			remote[d] = append(remote[d], m.Address)
		default:
			woken, err := pushLocal(tx, m.Address, ev, expiry(env))
			if err != nil {
				return Effects{}, err
			}
			fx.Wake = append(fx.Wake, woken...)
		}
	}
	for _, d := range sortedKeys(remote) {
		item, err := fanoutItem(raw, remote[d])
		if err != nil {
			return Effects{}, err
		}
		if _, err := tx.Enqueue(d, item, expiry(env)); err != nil {
			return Effects{}, fmt.Errorf("queue group fan-out %s for %s: %w", env.ID, d, err)
		}
		fx.Kick = append(fx.Kick, d)
	}
	err = messaging.RememberDelivery(tx, env.From, env.ID, messaging.Delivery{To: env.To, Expires: expiry(env)})
	return fx, err
}

// expiry is when an envelope expires: ts + ttl seconds.
func expiry(env *envelope.Envelope) wire.Millis {
	return env.TS + wire.Millis(env.TTL)*1000
}
