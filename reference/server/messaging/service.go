package messaging

import (
	"net/http"
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Authenticator returns the account a client request speaks for, or an
// unauthorized [httpapi.Error]. The accounts package provides it.
type Authenticator func(r *http.Request) (address.Address, error)

// Notifier wakes an account's live streams so that they read the events
// just committed. The stream package provides it.
type Notifier interface{ Notify(address.Address) }

// Kicker wakes the federation outbox for a destination whose queue just
// got an item (the federation package's Outbox is one).
type Kicker interface{ Kick(dest string) }

// Service accepts envelopes and read receipts from the clients of one
// server. Create it with [New]; it is safe for concurrent use.
type Service struct {
	st     *store.Store
	cfg    config.Config
	deps   wire.Deps
	auth   Authenticator
	notify Notifier
	kick   Kicker
	// carrier takes part in relaying envelopes to other domains (nil: none).
	carrier Carrier
	groups  GroupRouter
}

// GroupRouter takes the envelopes addressed to groups, in the service's
// store operation: handled is false for an envelope to an account. wake
// and kick are the streams and queues to wake after the commit. The
// groups package's Service is one (adapted in server.go).
type GroupRouter interface {
	RouteGroup(tx *store.Tx, env *envelope.Envelope, raw []byte, now wire.Millis) (handled bool, wake []address.Address, kick []string, err error)
}

// SetGroups makes the service hand envelopes to groups to g.
func (s *Service) SetGroups(g GroupRouter) { s.groups = g }

// New returns the messaging service of the server configured by cfg,
// keeping its state in st. deps gives the clock (the service draws no
// randomness); auth identifies callers and notify wakes streams after
// each commit (nil: nobody to wake).
func New(st *store.Store, cfg config.Config, deps wire.Deps, auth Authenticator, notify Notifier) *Service {
	return &Service{st: st, cfg: cfg, deps: deps, auth: auth, notify: notify}
}

// SetKicker makes the service wake k after queuing an envelope for
// another domain; without one, queued envelopes wait for the outbox's
// next sweep.
func (s *Service) SetKicker(k Kicker) { s.kick = k }

// Routes registers POST /emsg/v1/messages and POST /emsg/v1/receipts.
func (s *Service) Routes(m *httpapi.Mux) {
	m.Handle(http.MethodPost, "/emsg/v1/messages", s.handleSend)
	m.Handle(http.MethodPost, "/emsg/v1/receipts", s.handleReceipts)
}

// wake notifies each account once, after the events it is woken for are
// durable.
func (s *Service) wake(addrs ...address.Address) {
	if s.notify == nil {
		return
	}
	for i, a := range addrs {
		if slices.Index(addrs, a) == i {
			s.notify.Notify(a)
		}
	}
}
