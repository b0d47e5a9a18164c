package harness

import (
	"context"
	"fmt"
	"net"
	"os"

	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reports/results"
)

// external is servers that already run, reached by a resolver table
// (EMSG_CONFORM_RESOLVE_FILE, or EMSG_RESOLVE and EMSG_RESOLVE_FILE). The
// suite puts its proxies in front of them for its own requests, so it can
// cut a domain off from itself, not from the other servers; nothing can
// be stopped, and no fake peer is reachable by them.
type external struct {
	proxies
	cfg   Config
	table resolve.Table
}

// External reaches the servers of c's resolver table.
func External(c Config) (Deployment, error) {
	var t resolve.Table
	var err error
	if c.ResolveFile != "" {
		t, err = resolve.LoadFile(c.ResolveFile)
	} else {
		t, err = resolve.FromEnv(os.Getenv)
	}
	if err != nil {
		return nil, fmt.Errorf("external: %w", err)
	}
	x := &external{proxies: proxies{}, cfg: c}
	for _, d := range c.Domains {
		addr, ok := t.Lookup(d)
		if !ok {
			return nil, fmt.Errorf("external: domain %s is not in the resolver table", d)
		}
		p, err := NewProxy(addr, c.Middleware[d])
		if err != nil {
			return nil, err
		}
		x.proxies[d] = p
	}
	if x.table, err = x.proxies.table(c.Domains, nil); err != nil {
		return nil, err
	}
	return x, nil
}

func (x *external) Stop(context.Context, string) error { return fmt.Errorf("stop: %w", ErrUnsupported) }
func (x *external) Start(context.Context, string) error {
	return fmt.Errorf("start: %w", ErrUnsupported)
}
func (x *external) Pause(context.Context, string) error {
	return fmt.Errorf("pause: %w", ErrUnsupported)
}
func (x *external) Resume(context.Context, string) error {
	return fmt.Errorf("resume: %w", ErrUnsupported)
}

// CutOff cannot cut the servers off from each other.
func (x *external) CutOff(context.Context, string) error {
	return fmt.Errorf("cut off: %w (external servers reach each other directly)", ErrUnsupported)
}

func (x *external) Domains() []string                { return x.cfg.Domains }
func (x *external) Table() resolve.Table             { return x.table }
func (x *external) PeerListener(string) net.Listener { return nil }
func (x *external) Control() Control                 { return x }
func (x *external) Logs(string) string               { return "" }
func (x *external) Target() results.Target {
	return results.Target{Kind: KindExternal, Domains: x.cfg.Domains}
}
func (x *external) Close(context.Context) error { return x.proxies.close() }
