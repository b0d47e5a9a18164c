package groups

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"

	"github.com/oklog/ulid/v2"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Authenticator returns the account a request is made for, or an
// *httpapi.Error (unauthorized). The accounts package's Authenticate is one.
type Authenticator func(r *http.Request) (address.Address, error)

// Notifier wakes the live streams of an account to read its new events.
// The stream package's hub is one.
type Notifier interface{ Notify(address.Address) }

// Kicker wakes the federation outbox for a destination whose queue just
// got an item. The federation package's Outbox is one.
type Kicker interface{ Kick(dest string) }

// Service answers the group operations of the client API for the accounts
// of one domain, hosts the groups of that domain and routes posts to
// groups (see [Service.Route]). Create it with [New] and mount it with
// [Service.Routes]; it is safe for concurrent use.
type Service struct {
	st     *store.Store
	cfg    config.Config
	auth   Authenticator
	notify Notifier
	kick   Kicker
	host   host

	mu   sync.Mutex // guards deps: a seeded Rand is not safe for concurrent use
	deps wire.Deps
}

// New returns the groups service of the server for cfg.Domain, keeping its
// state in st, drawing request ids and times from deps, identifying
// callers with auth and waking their streams with notify (nil: nobody).
func New(st *store.Store, cfg config.Config, deps wire.Deps, auth Authenticator, notify Notifier) *Service {
	return &Service{st: st, cfg: cfg, deps: deps, auth: auth, notify: notify, host: host{self: cfg.Domain}}
}

// SetKicker makes the service wake k after queuing items for another
// server; without one they wait for the outbox's next sweep.
func (s *Service) SetKicker(k Kicker) { s.kick = k }

// groupsPath is the path of the caller's groups.
const groupsPath = "/emsg/v1/groups"

// Routes mounts the group operations of spec/openapi/client.yaml on m when
// the configuration offers the groups profile; otherwise the paths stay
// unknown and answer not_found (CONF-FEATURE-01).
func (s *Service) Routes(m *httpapi.Mux) {
	if !slices.Contains(s.cfg.Features, "groups") {
		return
	}
	m.Handle(http.MethodPost, groupsPath, s.handleCreate)
	m.Handle(http.MethodGet, groupsPath, s.handleList)
	m.Handle(http.MethodGet, groupsPath+"/{group}", s.handleGet)
	m.Handle(http.MethodPatch, groupsPath+"/{group}", s.handleRename)
	m.Handle(http.MethodDelete, groupsPath+"/{group}", s.handleDissolve)
	m.Handle(http.MethodPost, groupsPath+"/{group}/invites", s.handleInvite)
	m.Handle(http.MethodPost, groupsPath+"/{group}/join", s.handleJoin)
	m.Handle(http.MethodPost, groupsPath+"/{group}/leave", s.handleLeave)
	m.Handle(http.MethodPost, groupsPath+"/{group}/kick", s.handleKick)
	m.Handle(http.MethodPut, groupsPath+"/{group}/members/{address}/role", s.handleRole)
}

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

// update runs op in one store operation and, once it is durable, wakes
// the streams and queues it names.
func (s *Service) update(ctx context.Context, op func(tx *store.Tx) (Effects, error)) error {
	var fx Effects
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		var err error
		fx, err = op(tx)
		return err
	})
	if err != nil {
		return err
	}
	s.wake(fx)
	return nil
}

// wake notifies each account and kicks each destination once.
func (s *Service) wake(fx Effects) {
	for i, a := range fx.Wake {
		if s.notify != nil && slices.Index(fx.Wake, a) == i {
			s.notify.Notify(a)
		}
	}
	for i, d := range fx.Kick {
		if s.kick != nil && slices.Index(fx.Kick, d) == i {
			s.kick.Kick(d)
		}
	}
}

// answerOf is the error answer for err: a closed store or a caller that
// gave up is unavailable, the rest as [httpapi.AsError] maps it.
func answerOf(err error) error {
	if errors.Is(err, store.ErrClosed) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return httpapi.Errorf("unavailable", "the server is shutting down or busy; retry")
	}
	return err
}
