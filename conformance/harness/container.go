package harness

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/emsg-project/emsg/internal/launch"
	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reports/results"
)

// Labels on everything a run creates.
const (
	// RunLabel names the run on everything it creates: the cleanup removes
	// by it, failed or not.
	RunLabel = launch.RunLabel
	// TestLabel marks a resource as the conformance harness's.
	TestLabel = launch.TestLabel
)

// containers is one container per domain on a private network, each
// behind a proxy on this host (where the suite reaches it).
type containers struct {
	proxies
	cfg    Config
	docker *testcontainers.DockerClient
	run    string
	nw     *testcontainers.DockerNetwork
	book   *addressBook // fresh addresses for restored containers
	peers  peerGates    // the fake peers' listeners on the network's gateway (peergate.go)
	mu     sync.Mutex
	ctrs   map[string]*testcontainers.DockerContainer
	cut    map[string]netip.Addr // the address each cut off domain had
}

// StartContainers starts cfg.Images (one for all domains, or one per
// domain) on a private Docker network with the domains as network
// aliases, following docs/CONTAINER.md. The servers' resolver table maps
// every domain to <domain>:7000 on that network, and every fake peer to
// its listener on the network's gateway (peergate.go); the suite reaches
// the servers through proxies on published ports. Everything is labelled
// with the run and removed by label on Close.
func StartContainers(ctx context.Context, c Config) (Deployment, error) {
	docker, err := launch.Docker(ctx)
	if err != nil {
		return nil, err
	}
	launch.PinPublishedHost(docker)
	var b [6]byte
	_, _ = rand.Read(b[:])
	x := &containers{proxies: proxies{}, cfg: c, docker: docker, run: hex.EncodeToString(b[:]),
		ctrs: map[string]*testcontainers.DockerContainer{}, cut: map[string]netip.Addr{}}
	if err := x.start(ctx); err != nil {
		_ = x.Close(context.Background())
		return nil, err
	}
	return x, nil
}

func (x *containers) labels() map[string]string {
	return map[string]string{TestLabel: "conformance", RunLabel: x.run}
}

func (x *containers) start(ctx context.Context) error {
	var err error
	if x.nw, x.book, err = newRunNetwork(ctx, x.docker, x.labels()); err != nil {
		return fmt.Errorf("container: network: %w", err)
	}
	if x.peers, err = openPeerGates(ctx, x, x.cfg.Peers); err != nil {
		return err
	}
	for _, d := range x.cfg.Domains {
		p, err := NewProxy("127.0.0.1:1", x.cfg.Middleware[d])
		if err != nil {
			return err
		}
		x.proxies[d] = p
	}
	for i, d := range x.cfg.Domains {
		if err := x.startDomain(ctx, d, x.image(i)); err != nil {
			return err
		}
	}
	return nil
}

// image is the image of the i-th domain.
func (x *containers) image(i int) string {
	if len(x.cfg.Images) == 1 {
		return x.cfg.Images[0]
	}
	return x.cfg.Images[i]
}

// serverTable is the resolver table every container gets: the domains
// by their aliases, the fake peers at the gateway.
func (x *containers) serverTable() string {
	var parts []string
	for _, d := range x.cfg.Domains {
		parts = append(parts, d+"="+d+":7000")
	}
	return strings.Join(append(parts, x.peers.entries()...), ",")
}

// env is the environment of domain's container beside its domain and
// resolver table: the run's server settings and operator key.
func (x *containers) env(domain string) map[string]string {
	env := x.cfg.ServerSettings()
	if keys := x.cfg.AdminKeys(domain); keys != "" {
		env["EMSG_ADMIN_KEYS"] = keys // the run's operator key (docs/CONTAINER.md, C13)
	}
	return env
}

// startDomain runs the image for domain with a labelled volume at /data.
func (x *containers) startDomain(ctx context.Context, domain, image string) error {
	ctr, err := launch.RunContainer(ctx, x.docker, launch.Container{
		Image: image, Domain: domain, Resolve: x.serverTable(), Env: x.env(domain), Labels: x.labels(), Network: x.nw,
		Volume:  "emsg-conform-" + x.run + "-" + strings.ReplaceAll(domain, ".", "-"),
		Timeout: x.cfg.Scale(healthTimeout),
		// Published ports stay on the default bridge: a cut off (network disconnect) keeps them.
		Options: []testcontainers.ContainerCustomizer{alsoOnBridge},
	})
	if ctr != nil {
		x.mu.Lock()
		x.ctrs[domain] = ctr
		x.mu.Unlock()
	}
	if err != nil {
		return err
	}
	return x.pointProxy(ctx, domain, ctr)
}

// alsoOnBridge attaches the container to the default bridge network too.
var alsoOnBridge = testcontainers.CustomizeRequestOption(func(req *testcontainers.GenericContainerRequest) error {
	req.Networks = append(req.Networks, "bridge")
	return nil
})

// pointProxy points domain's proxy at the container's published port.
func (x *containers) pointProxy(ctx context.Context, domain string, ctr *testcontainers.DockerContainer) error {
	ep, err := launch.Endpoint(ctx, ctr)
	if err != nil {
		return fmt.Errorf("container %s: %w", domain, err)
	}
	x.proxies[domain].SetBackend(ep)
	return waitHealthy(ctx, domain, ep, x.cfg.Scale(healthTimeout))
}

func (x *containers) ctr(domain string) (*testcontainers.DockerContainer, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	c, ok := x.ctrs[domain]
	if !ok {
		return nil, fmt.Errorf("container %s: not started", domain)
	}
	return c, nil
}

// Stop sends SIGTERM and waits up to 10 s (C7).
func (x *containers) Stop(ctx context.Context, domain string) error {
	c, err := x.ctr(domain)
	if err != nil {
		return err
	}
	grace := 10 * time.Second
	return c.Stop(ctx, &grace)
}

// Start starts the stopped container again (same volume) and waits for it.
func (x *containers) Start(ctx context.Context, domain string) error {
	c, err := x.ctr(domain)
	if err != nil {
		return err
	}
	if err := c.Start(ctx); err != nil {
		return fmt.Errorf("container %s: start: %w", domain, err)
	}
	return x.pointProxy(ctx, domain, c) // the published port may change
}

func (x *containers) Pause(ctx context.Context, domain string) error {
	c, err := x.ctr(domain)
	if err == nil {
		_, err = x.docker.ContainerPause(ctx, c.GetContainerID(), client.ContainerPauseOptions{})
	}
	return err
}

func (x *containers) Resume(ctx context.Context, domain string) error {
	c, err := x.ctr(domain)
	if err == nil {
		_, err = x.docker.ContainerUnpause(ctx, c.GetContainerID(), client.ContainerUnpauseOptions{})
	}
	return err
}

// CutOff disconnects the container from the private network (the other
// containers lose it), blocks its address at the fake peers (peergate.go)
// and cuts its proxy (the suite and the peers lose it).
func (x *containers) CutOff(ctx context.Context, domain string) error {
	c, err := x.ctr(domain)
	if err != nil {
		return err
	}
	addr, err := x.runAddress(ctx, c)
	if err != nil {
		return fmt.Errorf("container %s: %w", domain, err)
	}
	x.blockAtPeers(domain, addr) // first: nothing it sends from now on reaches a peer
	_, err = x.docker.NetworkDisconnect(ctx, x.nw.ID, client.NetworkDisconnectOptions{Container: c.GetContainerID(), Force: true})
	if err != nil {
		x.unblockAtPeers(domain)
		return fmt.Errorf("container %s: disconnect: %w", domain, err)
	}
	return x.proxies.CutOff(ctx, domain)
}

// blockAtPeers blocks domain's address on the run's network at the fake
// peers (none for a stopped container: it has no address, and started
// again while cut off it has none on the run's network either).
func (x *containers) blockAtPeers(domain string, addr netip.Addr) {
	if !addr.IsValid() {
		return
	}
	x.peers.block(addr)
	x.mu.Lock()
	x.cut[domain] = addr
	x.mu.Unlock()
}

// unblockAtPeers lifts what blockAtPeers did for domain: the address it
// had is no one's (a restored container gets a fresh one).
func (x *containers) unblockAtPeers(domain string) {
	x.mu.Lock()
	addr, ok := x.cut[domain]
	delete(x.cut, domain)
	x.mu.Unlock()
	if ok {
		x.peers.unblock(addr)
	}
}

// Restore reconnects the container under its alias, at an address it
// never had, so that nothing sent across the cut arrives (readdress.go).
func (x *containers) Restore(ctx context.Context, domain string) error {
	c, err := x.ctr(domain)
	if err != nil {
		return err
	}
	addr, err := x.book.fresh()
	if err != nil {
		return fmt.Errorf("container %s: reconnect: %w", domain, err)
	}
	_, err = x.docker.NetworkConnect(ctx, x.nw.ID, client.NetworkConnectOptions{Container: c.GetContainerID(),
		EndpointConfig: &network.EndpointSettings{Aliases: []string{domain}, IPAMConfig: &network.EndpointIPAMConfig{IPv4Address: addr}}})
	if err != nil && !strings.Contains(err.Error(), "already exists") {
		return fmt.Errorf("container %s: connect: %w", domain, err)
	}
	x.unblockAtPeers(domain)
	// Reconnecting may move the published port: point the proxy again.
	if err := x.pointProxy(ctx, domain, c); err != nil {
		return err
	}
	return x.proxies.Restore(ctx, domain)
}

// runAddress is the container's address on the run's network; the zero
// Addr when it has none (stopped, or not connected).
func (x *containers) runAddress(ctx context.Context, c *testcontainers.DockerContainer) (netip.Addr, error) {
	res, err := x.docker.ContainerInspect(ctx, c.GetContainerID(), client.ContainerInspectOptions{})
	if err != nil {
		return netip.Addr{}, fmt.Errorf("inspect: %w", err)
	}
	if ns := res.Container.NetworkSettings; ns != nil {
		if ep := ns.Networks[x.nw.Name]; ep != nil {
			return ep.IPAddress.Unmap(), nil
		}
	}
	return netip.Addr{}, nil
}

func (x *containers) Domains() []string { return x.cfg.Domains }
func (x *containers) Control() Control  { return x }

// Table maps the domains to their proxies and the fake peers to their
// listeners on the gateway, an address of this host.
func (x *containers) Table() resolve.Table {
	t, _ := x.proxies.table(x.cfg.Domains, x.peers.listeners())
	return t
}

// PeerListener is the peer's listener on the run network's gateway, or
// nil when the engine's networks are not on this host.
func (x *containers) PeerListener(d string) net.Listener {
	if g, ok := x.peers.gates[d]; ok {
		return g
	}
	return nil
}

// Logs returns the tail of the container's output.
func (x *containers) Logs(domain string) string {
	c, err := x.ctr(domain)
	if err != nil {
		return ""
	}
	return launch.ContainerLogs(c)
}

func (x *containers) Target() results.Target {
	detail := map[string]string{"run": x.run, "fake peers": x.peers.describe()}
	for i, d := range x.cfg.Domains {
		detail["image "+d] = x.image(i)
	}
	return results.Target{Kind: KindContainer, Domains: x.cfg.Domains, Detail: detail}
}

// Close removes everything the run created, by its label.
func (x *containers) Close(ctx context.Context) error {
	err := errors.Join(x.proxies.close(), x.peers.close(), launch.RemoveByLabel(ctx, x.docker, RunLabel+"="+x.run))
	return errors.Join(err, x.docker.Close())
}
