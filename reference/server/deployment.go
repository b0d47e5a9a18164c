package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"sync"

	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reference/server/config"
)

// Deployment is several reference servers, one per domain, each with its
// own data directory and its own listener on loopback: the three-domain
// lab (a.test, b.test, c.test) that `emsg serve --domains` and the
// embedded conformance target run. Its [Deployment.Resolver] is the table
// clients and peers reach the domains by.
type Deployment struct {
	servers  []*Server
	resolver resolve.Table
	done     chan error
}

// StartDeployment starts one server per domain from base, with data in
// base.DataDir/<domain> and a listener on 127.0.0.1 at a free port. The
// listeners open first, so that every server knows the whole resolver
// table (its peers) from the start.
func StartDeployment(base config.Config, domains []string, opts ...Option) (*Deployment, error) {
	d := &Deployment{done: make(chan error, len(domains))}
	listeners, err := d.listen(domains)
	if err != nil {
		return nil, err
	}
	for _, domain := range domains {
		cfg := base
		cfg.Domain = domain
		cfg.DataDir = filepath.Join(base.DataDir, domain)
		s, err := New(cfg, append(opts, WithResolver(d.resolver))...)
		if err != nil {
			closeListeners(listeners)
			_ = d.Shutdown(context.Background())
			return nil, fmt.Errorf("deployment: %s: %w", domain, err)
		}
		d.servers = append(d.servers, s)
	}
	for i, s := range d.servers {
		go func() { d.done <- s.Serve(listeners[i]) }()
	}
	return d, nil
}

// listen opens one loopback listener per domain and builds the table.
func (d *Deployment) listen(domains []string) ([]net.Listener, error) {
	var listeners []net.Listener
	for _, domain := range domains {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err == nil {
			listeners = append(listeners, l)
			d.resolver, err = d.resolver.With(domain, l.Addr().String())
		}
		if err != nil {
			closeListeners(listeners)
			return nil, fmt.Errorf("deployment: %s: %w", domain, err)
		}
	}
	return listeners, nil
}

func closeListeners(ls []net.Listener) {
	for _, l := range ls {
		l.Close()
	}
}

// Resolver is the table mapping each domain to its server's address.
func (d *Deployment) Resolver() resolve.Table { return d.resolver }

// Servers returns the servers in the order of their domains.
func (d *Deployment) Servers() []*Server { return d.servers }

// Done delivers the error of a server that stopped serving by itself.
func (d *Deployment) Done() <-chan error { return d.done }

// Shutdown stops every server, waiting for requests in flight. Every
// outbox stops first, so that no server sends to a peer that already
// stopped listening (which would only log failures and retry later).
func (d *Deployment) Shutdown(ctx context.Context) error {
	for _, s := range d.servers {
		s.StopBackground()
	}
	errs := make([]error, len(d.servers))
	var wg sync.WaitGroup
	for i, s := range d.servers {
		wg.Go(func() { errs[i] = s.Shutdown(ctx) }) // each waits for its own streams and requests
	}
	wg.Wait()
	return errors.Join(errs...)
}
