package image

import (
	"context"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// hostOverride is the testcontainers-go setting naming the address where
// published ports are reached.
const hostOverride = "TESTCONTAINERS_HOST_OVERRIDE"

// pinPublishedHost makes testcontainers-go reach published ports on
// 127.0.0.1 when the Docker engine runs in this test's own network
// namespace, which its guess gets wrong: inside a container (a /.dockerenv
// file) it assumes a sibling container of the engine and dials the default
// route's gateway — wrong for an engine started inside that same container.
// The engine is local when its bridge network's gateway address is one of
// ours. An explicit TESTCONTAINERS_HOST_OVERRIDE is left alone.
func pinPublishedHost(t *testing.T, docker *testcontainers.DockerClient) {
	t.Helper()
	if _, set := os.LookupEnv(hostOverride); set || !strings.HasPrefix(docker.DaemonHost(), "unix://") {
		return
	}
	gateway, ok := bridgeGateway(docker)
	if ok && isLocalAddress(gateway) {
		t.Setenv(hostOverride, "127.0.0.1")
		t.Logf("the Docker engine is local (bridge gateway %v is ours): published ports are reached on 127.0.0.1", gateway)
	}
}

// bridgeGateway is the gateway address of the engine's default bridge
// network: the one its IPAM names, else the subnet's first address (which
// older engines leave out of the IPAM and give the bridge).
func bridgeGateway(docker *testcontainers.DockerClient) (netip.Addr, bool) {
	res, err := docker.NetworkInspect(context.Background(), "bridge", client.NetworkInspectOptions{})
	if err != nil {
		return netip.Addr{}, false
	}
	for _, c := range res.Network.IPAM.Config {
		if c.Gateway.IsValid() {
			return c.Gateway, true
		}
		if c.Subnet.IsValid() {
			return c.Subnet.Masked().Addr().Next(), true
		}
	}
	return netip.Addr{}, false
}

// isLocalAddress reports whether addr is assigned to an interface here.
func isLocalAddress(addr netip.Addr) bool {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if p, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(p.IP); ok && ip.Unmap() == addr {
				return true
			}
		}
	}
	return false
}
