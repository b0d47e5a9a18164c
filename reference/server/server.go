package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reference/server/accounts"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/contacts"
	"github.com/emsg-project/emsg/reference/server/fedcall"
	"github.com/emsg-project/emsg/reference/server/federation"
	"github.com/emsg-project/emsg/reference/server/groups"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/messaging"
	"github.com/emsg-project/emsg/reference/server/migration"
	"github.com/emsg-project/emsg/reference/server/policy"
	"github.com/emsg-project/emsg/reference/server/retention"
	"github.com/emsg-project/emsg/reference/server/sessions"
	"github.com/emsg-project/emsg/reference/server/signals"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/reference/server/stream"
)

// maxHeaderBytes bounds request headers (the body limits are per route).
const maxHeaderBytes = 64 << 10

// Server is the reference server for one domain.
type Server struct {
	cfg      config.Config
	deps     wire.Deps
	resolver resolve.Table
	key      fedsig.ServerKey
	store    *store.Store
	hub      *stream.Hub
	outbox   *federation.Outbox
	sweeper  *retention.Sweeper
	migrate  *migration.Service
	sessions *sessions.Service // nil when the sessions profile is off
	limits   rateLimits
	policy   *policy.Live
	http     *http.Server

	background context.Context    // the life of the background work (the outbox)
	stop       context.CancelFunc // ends it
	running    sync.WaitGroup     // the background goroutines

}

// Option changes how [New] builds a Server.
type Option func(*Server)

// WithDeps sets the randomness and clock (tests and simulations seed them).
func WithDeps(d wire.Deps) Option { return func(s *Server) { s.deps = d } }

// WithResolver sets the resolver table the server reaches its peers by
// (lab domains mapped to host:port; other domains go over HTTPS).
func WithResolver(t resolve.Table) Option { return func(s *Server) { s.resolver = t } }

// Resolver is the table the server reaches its peers by.
func (s *Server) Resolver() resolve.Table { return s.resolver }

// New builds the server for cfg: it checks the configuration, loads (or
// creates) the server key and opens the store in the data directory. It
// does not listen yet.
func New(cfg config.Config, opts ...Option) (*Server, error) {
	if err := cfg.Check(); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	s := &Server{cfg: cfg, deps: wire.System()}
	s.background, s.stop = context.WithCancel(context.Background())
	for _, o := range opts {
		o(s)
	}
	key, err := loadOrCreateKey(cfg.DataDir, s.deps)
	if err != nil {
		return nil, err
	}
	s.key = key
	if s.policy, err = policy.Open(cfg); err != nil {
		return nil, err
	}
	if s.store, err = store.Open(cfg.DataDir); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	handler, err := s.routes()
	if err != nil {
		_ = s.store.Close()
		return nil, err
	}
	s.http = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
	return s, nil
}

// routes builds the parts of the server and registers every endpoint they
// offer: accounts authenticate for the others, the stream hub wakes the
// streams the others append events for, and messaging serves the
// stream's send frames.
func (s *Server) routes() (http.Handler, error) {
	acc := accounts.New(s.store, s.cfg, s.deps)
	acc.SetPolicy(s.policy)
	s.hub = stream.New(s.store, s.cfg, acc.Authenticate)
	s.hub.SetClock(s.deps.Millis)
	acc.OnRevoke(s.hub.Revalidate)
	peers := federation.NewPeers(s.resolver, s.federationClient(), s.deps)
	s.outbox = federation.NewOutbox(s.store, s.cfg, s.deps, s.key, peers, s.hub, federation.DefaultTiming())
	inbox := federation.NewInbox(s.store, s.cfg, s.deps, peers, s.hub, s.outbox)
	msg := messaging.New(s.store, s.cfg, s.deps, acc.Authenticate, s.hub)
	con := contacts.New(s.store, s.cfg, s.deps, acc.Authenticate, s.hub)
	grp := groups.New(s.store, s.cfg, s.deps, acc.Authenticate, s.hub)
	msg.SetPolicy(s.policy)
	inbox.SetPolicy(s.policy)
	acc.SetAutoJoin(autoJoin(grp))
	s.limits = newRateLimits(s.cfg, s.policy.Current(), s.deps.Now)
	inbox.SetLimiter(s.limits.federation)
	fav := retention.New(s.store, s.cfg, acc.Authenticate)
	s.sweeper = retention.NewSweeper(s.store, s.cfg, s.deps, s.hub, s.outbox)
	s.migrate = migration.New(s.store, s.cfg, s.deps, acc.Authenticate, s.hub, s.outbox)
	s.migrate.SetGroups(grp)
	s.hub.SetSender(s.limits.sender(msg.Send))
	msg.SetKicker(s.outbox)
	grp.SetKicker(s.outbox)
	con.SetKicker(s.outbox)
	msg.SetGroups(grp)

	m := httpapi.NewMux()
	m.Handle(http.MethodGet, "/.well-known/emsg", s.handleDiscovery)
	m.Handle(http.MethodGet, "/emsg/v1/health", s.handleHealth)
	acc.Routes(m)
	s.hub.Routes(m)
	msg.Routes(m)
	con.Routes(m)
	grp.Routes(m)
	inbox.Routes(m)
	fav.Routes(m)
	s.migrate.Routes(m)
	s.routeKeys(m, acc, inbox, peers)
	if err := s.routeAdmin(m, grp); err != nil {
		return nil, err
	}
	call := fedcall.New(s.cfg.Domain, s.key, s.resolver, s.federationClient(), s.deps)
	s.routeSessions(m, acc.Authenticate, peers, call, msg)
	s.routeSignals(m, acc.Authenticate, peers, call)
	return s.limits.guard(m, acc.Authenticate), nil
}

// federationClient is the client of every request to another server: the
// resolver table's (plain HTTP only to mapped domains, no redirects),
// giving up on a peer after EMSG_FEDERATION_TIMEOUT.
func (s *Server) federationClient() *http.Client {
	c := s.resolver.Client(nil)
	c.Timeout = s.cfg.FederationTimeout
	return c
}

// sessionTiming is the spec's timing of sessions with the configured ack
// wait (EMSG_SESSION_ACK_WAIT).
func sessionTiming(cfg config.Config) sessions.Timing {
	t := sessions.DefaultTiming()
	t.AckWait = cfg.SessionAckWait
	return t
}

// featuresOf returns what a peer's discovery document advertises.
func featuresOf(peers *federation.Peers) func(ctx context.Context, domain string) ([]string, error) {
	return func(ctx context.Context, domain string) ([]string, error) {
		d, err := peers.Discovery(ctx, domain)
		if err != nil {
			return nil, err
		}
		return d.Features, nil
	}
}

// routeSignals builds the signals service when the configuration
// advertises the feature: POST /signals, the federation endpoint and the
// stream's signal frames (otherwise not_found, CONF-FEATURE-01).
func (s *Server) routeSignals(m *httpapi.Mux, auth signals.Authenticator, peers *federation.Peers, call *fedcall.Caller) {
	if !slices.Contains(advertised(s.cfg.Features), "signals") {
		return
	}
	sig := signals.New(s.store, s.cfg, s.deps, signals.Parts{
		Auth: auth, Push: s.hub, Forward: call.Do, Features: featuresOf(peers), Keys: peers,
	})
	s.hub.SetSignaler(sig.Send)
	sig.Routes(m)
}

// routeSessions builds the session host when the configuration advertises
// the profile: it takes part in relaying envelopes and serves the session
// endpoints (otherwise they answer not_found, CONF-FEATURE-01).
func (s *Server) routeSessions(m *httpapi.Mux, auth sessions.Authenticator, peers *federation.Peers, call *fedcall.Caller, msg *messaging.Service) {
	if !slices.Contains(advertised(s.cfg.Features), "sessions") {
		return
	}
	s.sessions = sessions.New(s.store, s.cfg, s.deps, s.key, sessions.Parts{
		Auth: auth, Notify: s.hub, Kick: s.outbox, Features: featuresOf(peers),
		PeerKey: sessions.PublishedKey(s.store, call),
	}, sessionTiming(s.cfg))
	msg.SetCarrier(s.sessions)
	s.sessions.Routes(m)
}

// Domain is the domain the server answers for.
func (s *Server) Domain() string { return s.cfg.Domain }

// Handler is the server's HTTP handler, for tests and for embedding.
func (s *Server) Handler() http.Handler { return s.http.Handler }

// Serve answers requests on l until [Server.Shutdown], and sends the
// federation queues meanwhile; it speaks HTTPS when the configuration
// names a certificate, plain HTTP otherwise.
func (s *Server) Serve(l net.Listener) error {
	s.running.Go(func() {
		if err := s.outbox.Run(s.background); err != nil {
			slog.Error("federation outbox stopped", "domain", s.cfg.Domain, "err", err)
		}
	})
	s.running.Go(func() { s.sweeper.Run(s.background, retention.DefaultPeriod) })
	s.running.Go(func() {
		if err := s.migrate.ResumePurges(s.background); err != nil && s.background.Err() == nil {
			slog.Error("resuming account purges", "domain", s.cfg.Domain, "err", err)
		}
	})
	if s.sessions != nil {
		s.running.Go(func() { _ = s.sessions.Run(s.background) })
	}
	var err error
	if s.cfg.TLSCert != "" {
		err = s.http.ServeTLS(l, s.cfg.TLSCert, s.cfg.TLSKey)
	} else {
		err = s.http.Serve(l)
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops the background work ([Server.StopBackground]), closes
// the streams (hijacked connections http.Server does not track), stops
// accepting requests, waits for those in flight and closes the store,
// which commits what was queued.
func (s *Server) Shutdown(ctx context.Context) error {
	s.StopBackground()
	s.hub.Close()
	if s.sessions != nil {
		s.sessions.Close()
	}
	err := s.http.Shutdown(ctx)
	return errors.Join(err, s.store.Close())
}

// StopBackground stops sending the federation queues and waits until the
// outbox is done with the store. What is queued stays queued (durably)
// for the next start; requests still answered meanwhile may queue more.
// Stopping the outboxes of a deployment before any server stops listening
// keeps a clean shutdown quiet: no peer is sent to after it went away.
func (s *Server) StopBackground() {
	s.stop()
	s.running.Wait()
}
