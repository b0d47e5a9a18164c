package launch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// ErrNoDocker is returned when no Docker engine answers.
var ErrNoDocker = errors.New("no Docker engine reachable")

// DisableReaper turns testcontainers-go's reaper off unless the
// environment says otherwise: its image cannot be pulled offline, and
// every run removes what it made by label ([RemoveByLabel]).
func DisableReaper() {
	if os.Getenv("TESTCONTAINERS_RYUK_DISABLED") == "" {
		os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	}
}

// Docker connects to the engine testcontainers-go would use (DOCKER_HOST,
// the Docker context, ~/.testcontainers.properties) and pings it;
// testcontainers-go can panic when it finds none, which is reported as
// [ErrNoDocker] too. It turns the reaper off first ([DisableReaper]):
// testcontainers-go reads its configuration once, on first use.
func Docker(ctx context.Context) (cli *testcontainers.DockerClient, err error) {
	DisableReaper()
	defer func() {
		if r := recover(); r != nil {
			cli, err = nil, fmt.Errorf("%w: %v", ErrNoDocker, r)
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	cli, err = testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoDocker, err)
	}
	if _, err := cli.Ping(ctx, client.PingOptions{}); err != nil {
		_ = cli.Close()
		return nil, fmt.Errorf("%w: %v", ErrNoDocker, err)
	}
	return cli, nil
}

// DockerAvailable reports whether a Docker engine answers (nil) or why
// not (wrapping [ErrNoDocker]).
func DockerAvailable(ctx context.Context) error {
	cli, err := Docker(ctx)
	if err == nil {
		_ = cli.Close()
	}
	return err
}

// PinPublishedHost makes testcontainers-go reach published ports on
// 127.0.0.1 when the engine runs in this process's own network namespace
// (its bridge gateway is one of our addresses), which its guess gets
// wrong inside a container. An explicit TESTCONTAINERS_HOST_OVERRIDE is
// left alone. (The same rule as reference/server/image's tests.)
func PinPublishedHost(docker *testcontainers.DockerClient) {
	const hostOverride = "TESTCONTAINERS_HOST_OVERRIDE"
	if _, set := os.LookupEnv(hostOverride); set || !strings.HasPrefix(docker.DaemonHost(), "unix://") {
		return
	}
	res, err := docker.NetworkInspect(context.Background(), "bridge", client.NetworkInspectOptions{})
	if err != nil {
		return
	}
	for _, c := range res.Network.IPAM.Config {
		gw := c.Gateway
		if !gw.IsValid() && c.Subnet.IsValid() {
			gw = c.Subnet.Masked().Addr().Next()
		}
		if gw.IsValid() && IsLocalAddress(gw) {
			os.Setenv(hostOverride, "127.0.0.1")
			return
		}
	}
}

// IsLocalAddress reports whether addr is one of this host's own interface
// addresses (a Docker network's gateway is, when the engine runs here).
func IsLocalAddress(addr netip.Addr) bool {
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

// RemoveByLabel removes the containers, networks and volumes carrying
// label (key=value), in the order Docker allows.
func RemoveByLabel(ctx context.Context, docker *testcontainers.DockerClient, label string) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	f := make(client.Filters).Add("label", label)
	var errs []error
	if l, err := docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f}); err == nil {
		for _, c := range l.Items {
			_, err := docker.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			errs = append(errs, err)
		}
	} else {
		errs = append(errs, err)
	}
	if l, err := docker.NetworkList(ctx, client.NetworkListOptions{Filters: f}); err == nil {
		for _, n := range l.Items {
			_, err := docker.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
			errs = append(errs, err)
		}
	} else {
		errs = append(errs, err)
	}
	if l, err := docker.VolumeList(ctx, client.VolumeListOptions{Filters: f}); err == nil {
		for _, v := range l.Items {
			_, err := docker.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true})
			errs = append(errs, err)
		}
	} else {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("remove run %s: %w", label, err)
	}
	return nil
}

// ContainerLogs is the tail of a container's output.
func ContainerLogs(ctr *testcontainers.DockerContainer) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rc, err := ctr.Logs(ctx)
	if err != nil {
		return ""
	}
	defer rc.Close()
	raw, _ := io.ReadAll(rc)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	return strings.Join(lines[max(0, len(lines)-40):], "\n")
}
