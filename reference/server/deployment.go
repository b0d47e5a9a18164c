package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"

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
// base.DataDir/<domain> and a listener on 127.0.0.1 at a free port.
func StartDeployment(base config.Config, domains []string, opts ...Option) (*Deployment, error) {
	d := &Deployment{done: make(chan error, len(domains))}
	listeners := make([]net.Listener, 0, len(domains))
	closeAll := func() {
		for _, l := range listeners {
			l.Close()
		}
	}
	for _, domain := range domains {
		l, s, err := prepare(base, domain, opts)
		if err != nil {
			closeAll()
			return nil, err
		}
		if d.resolver, err = d.resolver.With(domain, l.Addr().String()); err != nil {
			l.Close()
			closeAll()
			return nil, fmt.Errorf("deployment: %w", err)
		}
		listeners = append(listeners, l)
		d.servers = append(d.servers, s)
	}
	for i, s := range d.servers {
		go func() { d.done <- s.Serve(listeners[i]) }()
	}
	return d, nil
}

// prepare builds the server of one domain and its listener.
func prepare(base config.Config, domain string, opts []Option) (net.Listener, *Server, error) {
	cfg := base
	cfg.Domain = domain
	cfg.DataDir = filepath.Join(base.DataDir, domain)
	s, err := New(cfg, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("deployment: %s: %w", domain, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("deployment: %s: listen: %w", domain, err)
	}
	return l, s, nil
}

// Resolver is the table mapping each domain to its server's address.
func (d *Deployment) Resolver() resolve.Table { return d.resolver }

// Servers returns the servers in the order of their domains.
func (d *Deployment) Servers() []*Server { return d.servers }

// Done delivers the error of a server that stopped serving by itself.
func (d *Deployment) Done() <-chan error { return d.done }

// Shutdown stops every server, waiting for requests in flight.
func (d *Deployment) Shutdown(ctx context.Context) error {
	var errs []error
	for _, s := range d.servers {
		errs = append(errs, s.Shutdown(ctx))
	}
	return errors.Join(errs...)
}
