package harness

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"

	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reference/server"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reports/results"
)

// embedded is the reference server in-process: one server per domain,
// each behind its proxy, all reaching each other through the proxies.
type embedded struct {
	proxies
	cfg     Config
	base    config.Config
	dir     string
	table   resolve.Table
	peers   map[string]net.Listener
	mu      sync.Mutex
	servers map[string]*server.Server
	log     *logBuffer
	prevLog *slog.Logger
}

// StartEmbedded starts the reference server for every domain of c, with
// data in a fresh temporary directory. The servers' own log goes to the
// deployment's log buffer (evidence for failed specs).
func StartEmbedded(ctx context.Context, c Config) (Deployment, error) {
	dir, err := os.MkdirTemp("", "emsg-conform-")
	if err != nil {
		return nil, fmt.Errorf("embedded: %w", err)
	}
	base, err := baseConfig(c.ServerSettings())
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("embedded: %w", err)
	}
	e := &embedded{proxies: proxies{}, cfg: c, base: base, dir: dir, servers: map[string]*server.Server{}, log: &logBuffer{}}
	e.prevLog = slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(e.log, nil)))
	if err := e.start(ctx); err != nil {
		_ = e.Close(ctx)
		return nil, err
	}
	return e, nil
}

// baseConfig is the reference's configuration with settings applied as
// its environment variables (the domain and data directory are set per
// server).
func baseConfig(settings map[string]string) (config.Config, error) {
	return config.Load(nil, func(name string) string {
		if name == "EMSG_DOMAIN" {
			return "placeholder.test" // Load checks the domain; each server gets its own
		}
		return settings[name]
	})
}

// start opens the proxies first (so the table is known), then the servers.
func (e *embedded) start(ctx context.Context) error {
	var err error
	if e.peers, err = reservePeers(e.cfg.Peers); err != nil {
		return err
	}
	for _, d := range e.cfg.Domains {
		p, err := NewProxy("127.0.0.1:1", e.cfg.Middleware[d])
		if err != nil {
			return err
		}
		e.proxies[d] = p
	}
	if e.table, err = e.proxies.table(e.cfg.Domains, e.peers); err != nil {
		return err
	}
	for _, d := range e.cfg.Domains {
		if err := e.Start(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// Start starts the server of domain on its data directory (again, after
// Stop) and points its proxy at it.
func (e *embedded) Start(_ context.Context, domain string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.servers[domain]; ok {
		return nil
	}
	cfg := e.base
	cfg.Domain = domain
	cfg.DataDir = filepath.Join(e.dir, domain)
	if keys := e.cfg.AdminKeys(domain); keys != "" {
		cfg.AdminKeys = []string{keys}
	}
	s, err := server.New(cfg, server.WithResolver(e.table))
	if err != nil {
		return fmt.Errorf("embedded %s: %w", domain, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = s.Shutdown(context.Background())
		return fmt.Errorf("embedded %s: %w", domain, err)
	}
	go func() {
		if err := s.Serve(l); err != nil {
			slog.Error("embedded server stopped", "domain", domain, "err", err)
		}
	}()
	e.servers[domain] = s
	e.proxies[domain].SetBackend(l.Addr().String())
	return nil
}

// Stop shuts the server of domain down; its data stays for Start.
func (e *embedded) Stop(ctx context.Context, domain string) error {
	e.mu.Lock()
	s, ok := e.servers[domain]
	delete(e.servers, domain)
	e.mu.Unlock()
	if !ok {
		return nil
	}
	return s.Shutdown(ctx)
}

func (e *embedded) Pause(context.Context, string) error {
	return fmt.Errorf("pause: %w (an in-process server cannot be frozen; use cut off)", ErrUnsupported)
}

func (e *embedded) Resume(context.Context, string) error {
	return fmt.Errorf("resume: %w", ErrUnsupported)
}

func (e *embedded) Domains() []string                  { return e.cfg.Domains }
func (e *embedded) Table() resolve.Table               { return e.table }
func (e *embedded) PeerListener(d string) net.Listener { return e.peers[d] }
func (e *embedded) Control() Control                   { return e }
func (e *embedded) Logs(string) string                 { return e.log.tail(40) }
func (e *embedded) Target() results.Target {
	return results.Target{Kind: KindEmbedded, Domains: e.cfg.Domains, Detail: map[string]string{"server": "reference, in-process"}}
}

// Close stops every server and proxy and removes the data.
func (e *embedded) Close(ctx context.Context) error {
	var errs []error
	for _, d := range e.cfg.Domains {
		errs = append(errs, e.Stop(ctx, d))
	}
	errs = append(errs, e.proxies.close())
	for _, l := range e.peers {
		l.Close()
	}
	slog.SetDefault(e.prevLog)
	errs = append(errs, os.RemoveAll(e.dir))
	return errors.Join(errs...)
}
