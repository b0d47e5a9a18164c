package launch

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tcnetwork "github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"
)

// Labels on everything a run creates: RemoveByLabel removes by the run's.
const (
	RunLabel  = "org.emsg-project.test-run" // the run, a random hex id
	TestLabel = "org.emsg-project.test"     // the tool that made it: "conformance" or "load"
)

// The container contract's fixed values (docs/CONTAINER.md).
const (
	ContractPort = "7000/tcp" // every server listens here
	DataDir      = "/data"    // and keeps its data here
)

// Container is one server container to run.
type Container struct {
	Image   string
	Domain  string            // EMSG_DOMAIN, and the container's alias on the network
	Resolve string            // EMSG_RESOLVE: the servers' resolver table, like a.test=a.test:7000,...
	Env     map[string]string // further variables (settings, EMSG_ADMIN_KEYS); EMSG_DOMAIN and EMSG_RESOLVE win
	Labels  map[string]string // on the container and its volume: RemoveByLabel finds them
	Network *testcontainers.DockerNetwork
	Volume  string        // a named volume mounted at /data, created here
	Timeout time.Duration // how long the health check may take; 0 means HealthTimeout
	// Options customise the request further (more networks, resources).
	Options []testcontainers.ContainerCustomizer
}

// environment is the container's environment: c.Env, the domain and the
// resolver table.
func (c Container) environment() map[string]string {
	env := maps.Clone(c.Env)
	if env == nil {
		env = map[string]string{}
	}
	env["EMSG_DOMAIN"], env["EMSG_RESOLVE"] = c.Domain, c.Resolve
	return env
}

// NewNetwork creates a private network carrying labels.
func NewNetwork(ctx context.Context, labels map[string]string) (*testcontainers.DockerNetwork, error) {
	nw, err := tcnetwork.New(ctx, tcnetwork.WithLabels(labels))
	if err != nil {
		return nil, fmt.Errorf("container network: %w", err)
	}
	return nw, nil
}

// RunContainer creates c's volume and runs c's image on its network with
// the contract's port exposed, and waits until its health check answers
// on that port. The container is returned even with an error, when it was
// created, so that the caller can show its logs and remove it.
func RunContainer(ctx context.Context, docker *testcontainers.DockerClient, c Container) (*testcontainers.DockerContainer, error) {
	if _, err := docker.VolumeCreate(ctx, client.VolumeCreateOptions{Name: c.Volume, Labels: c.Labels}); err != nil {
		return nil, fmt.Errorf("container %s: volume: %w", c.Domain, err)
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = HealthTimeout
	}
	opts := []testcontainers.ContainerCustomizer{
		testcontainers.WithEnv(c.environment()),
		testcontainers.WithExposedPorts(ContractPort),
		testcontainers.WithLabels(c.Labels),
		testcontainers.WithMounts(testcontainers.VolumeMount(c.Volume, DataDir)),
		tcnetwork.WithNetwork([]string{c.Domain}, c.Network),
		testcontainers.WithWaitStrategy(wait.ForHTTP("/emsg/v1/health").WithPort(ContractPort).
			WithStartupTimeout(timeout).WithPollInterval(50 * time.Millisecond)),
	}
	ctr, err := testcontainers.Run(ctx, c.Image, append(opts, c.Options...)...)
	if err != nil {
		return ctr, fmt.Errorf("container %s (%s): %w", c.Domain, c.Image, err)
	}
	return ctr, nil
}

// Endpoint is the host:port where this host reaches the container's
// server (its published contract port).
func Endpoint(ctx context.Context, ctr *testcontainers.DockerContainer) (string, error) {
	ep, err := ctr.PortEndpoint(ctx, ContractPort, "")
	if err != nil {
		return "", fmt.Errorf("published port: %w", err)
	}
	return ep, nil
}
