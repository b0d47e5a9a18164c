package image

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// requireDockerVar makes a missing Docker engine a failure instead of a skip
// (CI sets it, so the container checks cannot silently stop running).
const requireDockerVar = "EMSG_REQUIRE_DOCKER"

// probeTimeout bounds how long finding the Docker engine may take.
const probeTimeout = 15 * time.Second

// requireDocker returns a client of a Docker engine that answers, or ends
// the test: t.Skip with the reason, or t.Fatal under EMSG_REQUIRE_DOCKER=1.
func requireDocker(t *testing.T) *testcontainers.DockerClient {
	t.Helper()
	cli, err := probeDocker()
	if err == nil {
		t.Cleanup(func() { _ = cli.Close() })
		if !testcontainers.ReadConfig().Config.RyukDisabled {
			t.Logf("%s is not true: testcontainers-go will pull and start its reaper image, which needs registry access", ryukDisabled)
		}
		return cli
	}
	if os.Getenv(requireDockerVar) == "1" {
		t.Fatalf("Docker is required (%s=1) but unusable: %v", requireDockerVar, err)
	}
	t.Skipf("skipping the container tests: Docker is unusable (%v); set %s=1 to make this a failure", err, requireDockerVar)
	return nil
}

// probeDocker connects to the engine testcontainers-go would use (DOCKER_HOST,
// the Docker context, ~/.testcontainers.properties) and pings it.
// testcontainers-go can panic when it finds no engine at all; that is
// reported as an error too.
func probeDocker() (cli *testcontainers.DockerClient, err error) {
	defer func() {
		if r := recover(); r != nil {
			cli, err = nil, fmt.Errorf("testcontainers-go panicked looking for Docker: %v", r)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	cli, err = testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	if _, err := cli.Ping(ctx, client.PingOptions{}); err != nil {
		_ = cli.Close()
		return nil, fmt.Errorf("ping: %w", err)
	}
	return cli, nil
}
