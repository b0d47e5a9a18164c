package harness

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

// probeDocker connects to the engine testcontainers-go would use and pings
// it; testcontainers-go can panic when it finds none, which is reported as
// [ErrNoDocker] too. It switches testcontainers-go's reaper off unless
// told otherwise (TESTCONTAINERS_RYUK_DISABLED): its image cannot be
// pulled offline, and testcontainers-go reads its configuration once, at
// its first use, which may be this one.
func probeDocker(ctx context.Context) (cli *testcontainers.DockerClient, err error) {
	if os.Getenv("TESTCONTAINERS_RYUK_DISABLED") == "" {
		os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	}
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
	cli, err := probeDocker(ctx)
	if err == nil {
		_ = cli.Close()
	}
	return err
}

// pinPublishedHost makes testcontainers-go reach published ports on
// 127.0.0.1 when the engine runs in this process's own network namespace
// (its bridge gateway is one of our addresses), which its guess gets
// wrong inside a container. An explicit TESTCONTAINERS_HOST_OVERRIDE is
// left alone. (The same rule as reference/server/image's tests.)
func pinPublishedHost(docker *testcontainers.DockerClient) {
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
		if gw.IsValid() && isLocalAddress(gw) {
			os.Setenv(hostOverride, "127.0.0.1")
			return
		}
	}
}

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

// removeByLabel removes the containers, networks and volumes carrying
// label (key=value), in the order Docker allows.
func removeByLabel(ctx context.Context, docker *testcontainers.DockerClient, label string) error {
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

// containerLogs is the tail of a container's output.
func containerLogs(ctr *testcontainers.DockerContainer) string {
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
