package sessions

import (
	"context"
	"crypto/ed25519"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/messaging"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Authenticator returns the account a client request speaks for, or an
// unauthorized [httpapi.Error]. The accounts package provides it.
type Authenticator func(r *http.Request) (address.Address, error)

// Notifier wakes an account's live streams after its events committed.
type Notifier interface{ Notify(address.Address) }

// Kicker wakes the federation outbox for a destination with new items.
type Kicker interface{ Kick(dest string) }

// Features returns the features a domain's discovery document advertises
// (the federation package's Peers gives them).
type Features func(ctx context.Context, domain string) ([]string, error)

// PeerKey returns the signing key of the current bundle of peer, for a
// session that initiator started.
type PeerKey func(ctx context.Context, initiator, peer address.Address) (ed25519.PublicKey, error)

// Parts are the other parts of the server a Service works with.
type Parts struct {
	Auth     Authenticator
	Notify   Notifier // nil: nobody to wake
	Kick     Kicker   // nil: queued items wait for the outbox's sweep
	Features Features
	PeerKey  PeerKey
}

// Service is the session host of one server. Create it with [New], start
// its sweeps with [Service.Run]; it is safe for concurrent use.
type Service struct {
	st     *store.Store
	cfg    config.Config
	key    fedsig.ServerKey
	parts  Parts
	timing Timing
	reg    *registry
	feats  *featureCache

	prepared preparedTickets // signed by Prepare, taken by the store operation

	randMu sync.Mutex // deps.Rand need not be safe for concurrent use
	deps   wire.Deps

	upgrader websocket.Upgrader
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup // the sockets' goroutines
}

// New returns the session host of the server configured by cfg: it signs
// tickets with key (published in the discovery document), keeps held
// envelopes in st and reads the clock from deps. Its tickets live
// timing.TicketTTL, or the operator's shorter cfg.SessionTicketTTL
// (EMSG_SESSION_TICKET_TTL).
func New(st *store.Store, cfg config.Config, deps wire.Deps, key fedsig.ServerKey, parts Parts, timing Timing) *Service {
	if cfg.SessionTicketTTL > 0 {
		timing.TicketTTL = min(timing.TicketTTL, cfg.SessionTicketTTL)
	}
	s := &Service{st: st, cfg: cfg, deps: deps, key: key, parts: parts, timing: timing, reg: newRegistry()}
	s.feats = newFeatureCache(parts.Features, deps)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.upgrader = websocket.Upgrader{
		ReadBufferSize: 1024, WriteBufferSize: 4096,
		// No ambient credentials: the ticket and the proof are the only ones.
		CheckOrigin: func(*http.Request) bool { return true },
		Error:       handshakeError,
	}
	return s
}

// Compile-time check: the messaging service relays through the host.
var _ messaging.Carrier = (*Service)(nil)

// Routes registers POST /emsg/v1/sessions/{id}/end and GET
// /emsg/v1/sessions/{id}/ws.
func (s *Service) Routes(m *httpapi.Mux) {
	m.Handle(http.MethodPost, "/emsg/v1/sessions/{id}/end", s.handleEnd)
	m.Handle(http.MethodGet, "/emsg/v1/sessions/{id}/ws", s.handleSocket)
}

// Run ends idle and expired sessions, falls back overdue envelopes and,
// first, every envelope held before a restart, until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	s.fallBackOrphans(ctx)
	t := time.NewTicker(s.timing.Sweep)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			s.sweep(ctx)
		}
	}
}

// Close closes every session socket (status 1001) and waits for their
// goroutines. Envelopes they held stay in the store and fall back at the
// next start.
func (s *Service) Close() {
	s.cancel()
	s.reg.mu.Lock()
	var socks []*socket
	for _, sess := range s.reg.byID {
		if sess.sock != nil {
			socks = append(socks, sess.sock)
		}
	}
	s.reg.mu.Unlock()
	for _, sock := range socks {
		sock.close(websocket.CloseGoingAway, "the server is shutting down")
	}
	s.wg.Wait()
}

// now is the host's clock.
func (s *Service) now() wire.Millis { return s.deps.Millis() }

// idle is Timing.Idle in milliseconds.
func (s *Service) idle() wire.Millis { return wire.Millis(s.timing.Idle.Milliseconds()) }

// wake notifies the streams of addrs.
func (s *Service) wake(addrs ...address.Address) {
	if s.parts.Notify == nil {
		return
	}
	for _, a := range addrs {
		s.parts.Notify.Notify(a)
	}
}

// kick wakes the outbox for dest.
func (s *Service) kick(dest string) {
	if s.parts.Kick != nil {
		s.parts.Kick.Kick(dest)
	}
}
