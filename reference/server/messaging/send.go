package messaging

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// accepted is what one accepted envelope leaves for after the commit: its
// id and the accounts whose streams have new events.
type accepted struct {
	id      string
	wake    []address.Address
	relayed string   // the domain whose queue got the envelope, "" when delivered here
	kick    []string // more queues to wake (a group's fan-out)
	after   func()   // the carrier's work after the commit (nil: none)
}

// Send accepts the envelope raw from the account from, exactly as POST
// /emsg/v1/messages does (STREAM-SEND-01): 202 and the envelope id once
// it is durable, or the error status and an [*httpapi.Error] (code,
// message, moved_to) for the stream's result frame.
func (s *Service) Send(ctx context.Context, from address.Address, raw []byte) (status int, id string, err error) {
	acc, err := s.send(ctx, from, raw)
	if err != nil {
		e := answerOf(err)
		if e.Code == "internal" {
			slog.Error("send envelope", "from", from, "err", err)
		}
		return e.Status(), "", e
	}
	return http.StatusAccepted, acc.id, nil
}

// send checks raw, stores it and wakes the streams concerned.
func (s *Service) send(ctx context.Context, from address.Address, raw []byte) (accepted, error) {
	now := s.deps.Millis()
	env, err := s.checkEnvelope(from, raw, now)
	if err != nil {
		return accepted{}, err
	}
	if s.carrier != nil && env.To.Domain != s.cfg.Domain {
		s.carrier.Prepare(ctx, env)
	}
	acc, err := s.accept(ctx, env, raw, now)
	if err != nil {
		return accepted{}, err
	}
	if acc.after != nil {
		acc.after()
	}
	s.wake(acc.wake...)
	if acc.relayed != "" && s.kick != nil {
		s.kick.Kick(acc.relayed) // send now rather than at the outbox's next sweep
	}
	for _, d := range acc.kick {
		if s.kick != nil {
			s.kick.Kick(d)
		}
	}
	return acc, nil
}

// accept runs the stateful steps (idempotency, sender, recipient, storage)
// in one store operation. The operation may run more than once, so it
// starts from a fresh result each time.
func (s *Service) accept(ctx context.Context, env *envelope.Envelope, raw []byte, now wire.Millis) (accepted, error) {
	var acc accepted
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		acc = accepted{id: env.ID}
		if _, dup, err := LookupDelivery(tx, env.From, env.ID); err != nil || dup {
			return err // a repeat: 202 again, nothing else (ENV-IDEM-01)
		}
		if err := checkSender(tx, env.From); err != nil {
			return err
		}
		if s.groups != nil {
			handled, wake, kick, err := s.groups.RouteGroup(tx, env, raw, now)
			if handled || err != nil {
				acc.wake, acc.kick = wake, kick
				return err
			}
		}
		if env.To.Domain != s.cfg.Domain {
			if _, ok := env.Keys[env.To]; !ok {
				return httpapi.Errorf("bad_request", "keys has no entry for the recipient %s", env.To)
			}
			acc.relayed = env.To.Domain
			return s.relay(tx, env, raw, &acc)
		}
		wake, err := deliver(tx, env, raw, now)
		acc.wake = wake
		return err
	})
	return acc, err
}

// relay hands env to the carrier, if any, or queues it for federation.
func (s *Service) relay(tx *store.Tx, env *envelope.Envelope, raw []byte, acc *accepted) error {
	queue := func() error { return relay(tx, env, raw) }
	if s.carrier == nil {
		return queue()
	}
	c, err := s.carrier.Carry(tx, env, raw, queue)
	acc.wake, acc.after = c.Wake, c.After
	return err
}

// checkSender refuses an account that may no longer send: moved (with
// its new address, MOVE-SEND-01) or not active.
func checkSender(tx *store.Tx, from address.Address) error {
	a, ok, err := tx.GetAccount(from.String())
	switch {
	case err != nil:
		return err
	case ok && a.State == store.StateMoved:
		return &httpapi.Error{Code: "moved", Message: from.String() + " moved to " + a.MovedTo, MovedTo: a.MovedTo}
	case !ok || a.State != store.StateActive:
		return httpapi.Errorf("forbidden", "the account %s may not send", from)
	}
	return nil
}

// answerOf is the error answer for err: a store that is closed or a
// caller that gave up is unavailable (retry later), the rest as
// [httpapi.AsError] maps it.
func answerOf(err error) *httpapi.Error {
	if errors.Is(err, store.ErrClosed) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return httpapi.Errorf("unavailable", "the server is shutting down or busy; retry with the same id")
	}
	return httpapi.AsError(err)
}
