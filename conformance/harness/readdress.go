package harness

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"

	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tcnetwork "github.com/testcontainers/testcontainers-go/network"
)

// A cut off must lose every connection across it, as the embedded
// target's proxies do. Disconnecting a container from the run's network
// does not: its sockets survive, and when it is connected again Docker
// gives it back the same address, so a request a peer sent during the cut
// is retransmitted by TCP and arrives after all. A restored container
// therefore gets an address it never had: what was sent to the old one is
// lost, and the connections of before the cut die (their senders give up
// after their timeouts; new connections resolve the domain again).
//
// Docker assigns a chosen address only on a network whose subnet was
// configured when it was created. The run's network takes the subnet the
// engine picks for it, with automatic addresses confined to the lower
// half; restored containers get fresh addresses from the upper half.

// addressBook hands out the fresh addresses of restored containers.
type addressBook struct {
	mu   sync.Mutex
	next netip.Addr // the next fresh address
	last netip.Addr // the last usable one
}

// networkAttempts bounds the tries at creating the run's network: between
// the probe network's removal and the final network's creation another
// run (another process of a parallel run) may take the subnet.
const networkAttempts = 5

// newRunNetwork creates the run's network with a configured subnet: it
// lets the engine pick a free subnet, then creates the network again with
// that subnet, automatic addresses in its lower half.
func newRunNetwork(ctx context.Context, docker *testcontainers.DockerClient, labels map[string]string) (*testcontainers.DockerNetwork, *addressBook, error) {
	var errs []error
	for range networkAttempts {
		nw, book, err := tryRunNetwork(ctx, docker, labels)
		if err == nil {
			return nw, book, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, nil, errors.Join(errs...)
}

// tryRunNetwork is one attempt of [newRunNetwork].
func tryRunNetwork(ctx context.Context, docker *testcontainers.DockerClient, labels map[string]string) (*testcontainers.DockerNetwork, *addressBook, error) {
	probe, err := tcnetwork.New(ctx, tcnetwork.WithLabels(labels))
	if err != nil {
		return nil, nil, err
	}
	cfg, err := subnetOf(ctx, docker, probe.ID)
	if rmErr := probe.Remove(ctx); err == nil && rmErr != nil {
		err = fmt.Errorf("remove the probe network: %w", rmErr)
	}
	if err != nil {
		return nil, nil, err
	}
	lower, book, err := halves(cfg.Subnet)
	if err != nil {
		return nil, nil, err
	}
	cfg.IPRange = lower
	nw, err := tcnetwork.New(ctx, tcnetwork.WithLabels(labels), tcnetwork.WithIPAM(&network.IPAM{Config: []network.IPAMConfig{cfg}}))
	if err != nil {
		return nil, nil, fmt.Errorf("subnet %s: %w", cfg.Subnet, err)
	}
	return nw, book, nil
}

// subnetOf returns the IPv4 subnet (and gateway) the engine gave network id.
func subnetOf(ctx context.Context, docker *testcontainers.DockerClient, id string) (network.IPAMConfig, error) {
	res, err := docker.NetworkInspect(ctx, id, client.NetworkInspectOptions{})
	if err != nil {
		return network.IPAMConfig{}, err
	}
	for _, c := range res.Network.IPAM.Config {
		if c.Subnet.IsValid() && c.Subnet.Addr().Is4() {
			return network.IPAMConfig{Subnet: c.Subnet.Masked(), Gateway: c.Gateway}, nil
		}
	}
	return network.IPAMConfig{}, fmt.Errorf("network %s has no IPv4 subnet", id)
}

// halves splits subnet into its lower half (the engine's range) and an
// address book over the usable addresses of its upper half.
func halves(subnet netip.Prefix) (netip.Prefix, *addressBook, error) {
	bits := subnet.Bits()
	if bits > 28 {
		return netip.Prefix{}, nil, fmt.Errorf("subnet %s is too small to split", subnet)
	}
	lower := netip.PrefixFrom(subnet.Addr(), bits+1)
	upper := lastOf(lower).Next()
	// skip the upper half's first address (a .0 on a /16) and the
	// subnet's last (its broadcast)
	return lower, &addressBook{next: upper.Next(), last: lastOf(subnet).Prev()}, nil
}

// lastOf is the last address of p.
func lastOf(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// fresh returns an address no container of the run has had.
func (b *addressBook) fresh() (netip.Addr, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.next.Compare(b.last) > 0 {
		return netip.Addr{}, fmt.Errorf("no fresh address left up to %s", b.last)
	}
	a := b.next
	b.next = a.Next()
	return a, nil
}
