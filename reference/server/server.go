package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reference/server/accounts"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/contacts"
	"github.com/emsg-project/emsg/reference/server/federation"
	"github.com/emsg-project/emsg/reference/server/groups"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/messaging"
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
	if s.store, err = store.Open(cfg.DataDir); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	s.http = &http.Server{
		Handler:           s.routes(),
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
func (s *Server) routes() http.Handler {
	acc := accounts.New(s.store, s.cfg, s.deps)
	s.hub = stream.New(s.store, s.cfg, acc.Authenticate)
	peers := federation.NewPeers(s.resolver, s.resolver.Client(nil), s.deps)
	s.outbox = federation.NewOutbox(s.store, s.cfg, s.deps, s.key, peers, s.hub, federation.DefaultTiming())
	inbox := federation.NewInbox(s.store, s.cfg, s.deps, peers, s.hub, s.outbox)
	msg := messaging.New(s.store, s.cfg, s.deps, acc.Authenticate, s.hub)
	con := contacts.New(s.store, s.cfg, s.deps, acc.Authenticate, s.hub)
	grp := groups.New(s.store, s.cfg, s.deps, acc.Authenticate, s.hub)
	s.hub.SetSender(msg.Send)
	msg.SetKicker(s.outbox)
	grp.SetKicker(s.outbox)
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
	return m
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

// Shutdown closes the streams (hijacked connections http.Server does not
// track), stops accepting requests, waits for those in flight and closes
// the store, which commits what was queued.
func (s *Server) Shutdown(ctx context.Context) error {
	s.hub.Close()
	err := s.http.Shutdown(ctx)
	s.stop()
	s.running.Wait() // the outbox is done with the store
	return errors.Join(err, s.store.Close())
}
