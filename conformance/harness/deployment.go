package harness

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reports/results"
)

// ErrUnsupported is returned by a control the target cannot offer (an
// external server cannot be stopped); specs that need it skip.
var ErrUnsupported = errors.New("not supported by this target")

// Deployment is the implementation under test as the suites see it: a
// few domains, the table that reaches them, and the controls of each.
type Deployment interface {
	// Domains are the domains under test, in order (a.test, b.test, ...).
	Domains() []string
	// Table maps every domain under test and every fake peer to the
	// address the suite reaches it at.
	Table() resolve.Table
	// PeerListener is the listener reserved for a fake peer domain, or
	// nil when the servers under test cannot reach one (external
	// servers; containers of an engine that runs elsewhere).
	PeerListener(domain string) net.Listener
	// Control stops, restarts, pauses and cuts off domains.
	Control() Control
	// Logs returns what the server of domain logged, for evidence.
	Logs(domain string) string
	// Target describes the target for the results.
	Target() results.Target
	// Close stops everything the harness started.
	Close(ctx context.Context) error
}

// Control acts on one domain of a deployment. Every method returns
// [ErrUnsupported] (wrapped) when the target cannot do it.
type Control interface {
	Stop(ctx context.Context, domain string) error    // graceful stop; the data stays
	Start(ctx context.Context, domain string) error   // start again on the same data, wait until healthy
	Pause(ctx context.Context, domain string) error   // freeze the process (it holds connections, answers nothing)
	Resume(ctx context.Context, domain string) error  // unfreeze
	CutOff(ctx context.Context, domain string) error  // unreachable for everyone (suite and peers)
	Restore(ctx context.Context, domain string) error // reachable again
}

// proxies is the part of every target that fronts each domain with a
// Proxy: cutting off and restoring.
type proxies map[string]*Proxy

func (ps proxies) proxy(domain string) (*Proxy, error) {
	p, ok := ps[domain]
	if !ok {
		return nil, fmt.Errorf("domain %s: not under test", domain)
	}
	return p, nil
}

func (ps proxies) CutOff(_ context.Context, domain string) error {
	p, err := ps.proxy(domain)
	if err == nil {
		p.CutOff()
	}
	return err
}

func (ps proxies) Restore(_ context.Context, domain string) error {
	p, err := ps.proxy(domain)
	if err == nil {
		p.Restore()
	}
	return err
}

func (ps proxies) close() error {
	var errs []error
	for _, p := range ps {
		errs = append(errs, p.Close())
	}
	return errors.Join(errs...)
}

// table maps each proxied domain to its proxy, plus the peers' listeners.
func (ps proxies) table(domains []string, peers map[string]net.Listener) (resolve.Table, error) {
	var t resolve.Table
	var err error
	for _, d := range domains {
		if t, err = t.With(d, ps[d].Addr()); err != nil {
			return t, fmt.Errorf("resolver table: %w", err)
		}
	}
	for d, l := range peers {
		if t, err = t.With(d, l.Addr().String()); err != nil {
			return t, fmt.Errorf("resolver table: %w", err)
		}
	}
	return t, nil
}

// reservePeers opens one loopback listener per fake peer domain.
func reservePeers(domains []string) (map[string]net.Listener, error) {
	out := map[string]net.Listener{}
	for _, d := range domains {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			for _, l := range out {
				l.Close()
			}
			return nil, fmt.Errorf("fake peer %s: %w", d, err)
		}
		out[d] = l
	}
	return out, nil
}
