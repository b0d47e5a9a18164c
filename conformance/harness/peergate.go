package harness

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"
	"sync"

	"github.com/emsg-project/emsg/internal/launch"
)

// The fake peers run in the harness's process, yet the servers under test
// of the container target run on the run's private Docker network. The
// host has an address on every network of an engine that runs in its own
// network namespace: the network's gateway, the host side of its bridge.
// So each fake peer listens there, on a port of its own, and the
// containers' resolver table maps the peer's domain to that address and
// port (x.test=172.18.0.1:41234); the suite reaches the peer at the same
// address, which is local to it.
//
// A container cut off (disconnected from the run's network) must not
// reach the peers either, yet it still can: it stays on the default
// bridge for its published port, and the host answers on every one of
// its addresses whatever the interface (the weak host model), so a
// connection to the gateway leaves through the default bridge instead.
// The peers' listener therefore admits only connections from the run's
// subnet, and a cut off container's own address on it is blocked (its
// connections closed) until it is restored: what it sends across the
// cut is lost, as with a domain's proxy. This host's own addresses are
// admitted too: the suite reaches the peers at the gateway, and the
// kernel may pick any of them as the source. Each process of a parallel run
// has its own network, so its own gateway, subnet and peers.

// peerGate is the listener of one fake peer on the run network's gateway.
type peerGate struct {
	net.Listener
	subnet  netip.Prefix // admitted sources: the run network's subnet (and this host)
	mu      sync.Mutex
	blocked map[netip.Addr]int // source addresses cut off (a count per cut)
	conns   map[*gatedConn]struct{}
}

// listenPeerGate listens on a fresh port of gateway, admitting
// connections from subnet.
func listenPeerGate(gateway netip.Addr, subnet netip.Prefix) (*peerGate, error) {
	l, err := net.Listen("tcp", netip.AddrPortFrom(gateway, 0).String())
	if err != nil {
		return nil, err
	}
	return &peerGate{Listener: l, subnet: subnet, blocked: map[netip.Addr]int{}, conns: map[*gatedConn]struct{}{}}, nil
}

// Accept returns the next connection from an admitted source; the others
// are closed as they arrive, as a failed network would drop them.
func (g *peerGate) Accept() (net.Conn, error) {
	for {
		c, err := g.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if gc := g.admit(c); gc != nil {
			return gc, nil
		}
		c.Close()
	}
}

// admit tracks c if its source is admitted, or returns nil: the run's
// subnet, and this host (the suite), whose connections to its own address
// come from any of its addresses (the kernel picks one).
func (g *peerGate) admit(c net.Conn) *gatedConn {
	from := sourceOf(c)
	if !g.subnet.Contains(from) && !launch.IsLocalAddress(from) {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.blocked[from] > 0 {
		return nil
	}
	gc := &gatedConn{Conn: c, gate: g, from: from}
	g.conns[gc] = struct{}{}
	return gc
}

// sourceOf is the IP address a connection comes from (invalid if unknown).
func sourceOf(c net.Conn) netip.Addr {
	ap, err := netip.ParseAddrPort(c.RemoteAddr().String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// block refuses addr from now on and closes its connections.
func (g *peerGate) block(addr netip.Addr) {
	g.mu.Lock()
	g.blocked[addr]++
	var open []*gatedConn
	for c := range g.conns {
		if c.from == addr {
			open = append(open, c)
		}
	}
	g.mu.Unlock()
	for _, c := range open {
		c.Close()
	}
}

// unblock admits addr again (once as many times as it was blocked).
func (g *peerGate) unblock(addr netip.Addr) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.blocked[addr]--; g.blocked[addr] <= 0 {
		delete(g.blocked, addr)
	}
}

// gatedConn forgets itself when closed.
type gatedConn struct {
	net.Conn
	gate *peerGate
	from netip.Addr
	once sync.Once
}

func (c *gatedConn) Close() error {
	c.once.Do(func() {
		c.gate.mu.Lock()
		delete(c.gate.conns, c)
		c.gate.mu.Unlock()
	})
	return c.Conn.Close()
}

// peerGates are the fake peers' listeners of a container deployment, by
// peer domain; empty when the peers cannot be reached (see why).
type peerGates struct {
	gates map[string]*peerGate
	why   string // why there are none, when there are none
}

// openPeerGates opens a listener for every peer domain on the gateway of
// the run's network. When the gateway is not an address of this host
// (the engine runs elsewhere: a remote or rootless engine, a virtual
// machine) there are none, and why says so.
func openPeerGates(ctx context.Context, x *containers, domains []string) (peerGates, error) {
	pg := peerGates{gates: map[string]*peerGate{}}
	if len(domains) == 0 {
		pg.why = "no fake peer domains (EMSG_CONFORM_PEERS=none)"
		return pg, nil
	}
	cfg, err := subnetOf(ctx, x.docker, x.nw.ID)
	if err != nil {
		return pg, fmt.Errorf("container: the run network's gateway: %w", err)
	}
	gw := cfg.Gateway
	if !gw.IsValid() {
		gw = cfg.Subnet.Addr().Next() // the engine's default
	}
	if !launch.IsLocalAddress(gw) {
		pg.why = fmt.Sprintf("the run network's gateway %s is not an address of this host (the Docker engine runs elsewhere), so the containers cannot reach the fake peers", gw)
		return pg, nil
	}
	for _, d := range domains {
		g, err := listenPeerGate(gw, cfg.Subnet)
		if err != nil {
			pg.close()
			return peerGates{}, fmt.Errorf("fake peer %s on %s: %w", d, gw, err)
		}
		pg.gates[d] = g
	}
	return pg, nil
}

// listeners are the gates as the listeners of the peers, by domain.
func (pg peerGates) listeners() map[string]net.Listener {
	out := map[string]net.Listener{}
	for d, g := range pg.gates {
		out[d] = g
	}
	return out
}

// entries are the resolver table entries of the peers, domain=host:port,
// sorted.
func (pg peerGates) entries() []string {
	var out []string
	for d, g := range pg.gates {
		out = append(out, d+"="+g.Addr().String())
	}
	sort.Strings(out)
	return out
}

// describe says where the peers are, for the results.
func (pg peerGates) describe() string {
	if len(pg.gates) == 0 {
		return "none: " + pg.why
	}
	return strings.Join(pg.entries(), ",")
}

func (pg peerGates) block(addr netip.Addr) {
	for _, g := range pg.gates {
		g.block(addr)
	}
}

func (pg peerGates) unblock(addr netip.Addr) {
	for _, g := range pg.gates {
		g.unblock(addr)
	}
}

// close closes the listeners (a peer serving on one closes it too).
func (pg peerGates) close() error {
	var errs []error
	for _, g := range pg.gates {
		if err := g.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
