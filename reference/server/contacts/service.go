package contacts

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"

	"github.com/oklog/ulid/v2"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Authenticator returns the account a request is made for, or an
// *httpapi.Error (unauthorized). The accounts package's Authenticate is one.
type Authenticator func(r *http.Request) (address.Address, error)

// Notifier wakes the live streams of an account to read its new events.
// The stream package's service is one.
type Notifier interface{ Notify(address.Address) }

// Kicker wakes the federation queue of a destination after items were
// queued for it (the outbox).
type Kicker interface{ Kick(dest string) }

// Service answers the contact operations of the client API for the
// accounts of one domain. Create it with [New] and mount it with
// [Service.Routes].
type Service struct {
	st     *store.Store
	cfg    config.Config
	auth   Authenticator
	notify Notifier
	kick   Kicker

	mu   sync.Mutex // guards deps: a seeded Rand is not safe for concurrent use
	deps wire.Deps
}

// New returns the contacts service of the server for cfg.Domain, keeping
// its state in st, drawing request ids and times from deps, identifying
// callers with auth and waking their streams with notify.
func New(st *store.Store, cfg config.Config, deps wire.Deps, auth Authenticator, notify Notifier) *Service {
	return &Service{st: st, cfg: cfg, deps: deps, auth: auth, notify: notify}
}

// SetKicker makes the service wake k after queuing items for another
// domain (a request, an answer, a removal, a block), so they leave at once;
// without one, they wait for the outbox's next sweep. Call it before
// serving.
func (s *Service) SetKicker(k Kicker) { s.kick = k }

// stamp returns a new request id and the current time.
func (s *Service) stamp() (string, wire.Millis, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.deps.Millis()
	if now < 0 {
		return "", 0, fmt.Errorf("draw request id: clock reads before 1970")
	}
	id, err := ulid.New(uint64(now), s.deps.Rand)
	if err != nil {
		return "", 0, fmt.Errorf("draw request id: %w", err)
	}
	return id.String(), now, nil
}

// now returns the current time.
func (s *Service) now() wire.Millis {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deps.Millis()
}

// update runs op in one store transaction at time now and, once it is
// durable, wakes the accounts it appended events for and the queues of
// the domains it queued items for.
func (s *Service) update(ctx context.Context, now wire.Millis, op func(*txn) error) error {
	var wake []address.Address
	var kick []string
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		t := &txn{Tx: tx, domain: s.cfg.Domain, now: now}
		if err := op(t); err != nil {
			return err
		}
		wake, kick = t.wake, t.kick // op may run again: keep only the last run's
		return nil
	})
	if err != nil {
		return err
	}
	for _, a := range wake {
		s.notify.Notify(a)
	}
	for i, d := range kick {
		if s.kick != nil && slices.Index(kick, d) == i {
			s.kick.Kick(d)
		}
	}
	return nil
}
