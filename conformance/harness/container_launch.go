package harness

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/emsg-project/emsg/internal/launch"
	"github.com/testcontainers/testcontainers-go"
	tcnetwork "github.com/testcontainers/testcontainers-go/network"
)

// launchResolveFile is where a launched container finds its resolver
// table file.
const launchResolveFile = "/emsg-resolve.conf"

// Launch runs the first domain's image once more for spec.Domain, on the
// run's network (where the fake peers admit it: peergate.go) under its
// domain as alias, its resolver table file copied in, and waits until the
// container either answers its health check (it started) or exits (it
// refused, C4 of docs/CONTAINER.md).
func (x *containers) Launch(ctx context.Context, spec LaunchSpec) (*Launched, error) {
	text := spec.ResolveFile
	if text == "" {
		text = emptyTable
	}
	env := x.cfg.ServerSettings() // the run's short timers, then the case's own
	maps.Copy(env, spec.Settings)
	maps.Copy(env, map[string]string{"EMSG_DOMAIN": spec.Domain, "EMSG_RESOLVE_FILE": launchResolveFile})
	if spec.Resolve != "" {
		env["EMSG_RESOLVE"] = spec.Resolve
	}
	ctr, err := testcontainers.Run(ctx, x.image(0),
		testcontainers.WithEnv(env),
		testcontainers.WithExposedPorts(launch.ContractPort),
		testcontainers.WithLabels(x.labels()),
		tcnetwork.WithNetwork([]string{spec.Domain}, x.nw),
		testcontainers.WithFiles(testcontainers.ContainerFile{Reader: strings.NewReader(text), ContainerFilePath: launchResolveFile, FileMode: 0o644}),
	)
	if err != nil {
		if ctr != nil {
			_ = ctr.Terminate(context.Background())
		}
		return nil, fmt.Errorf("launch %s (%s): %w", spec.Domain, x.image(0), err)
	}
	return x.containerOutcome(ctx, spec.Domain, ctr)
}

// containerOutcome polls a launched container until it exits or answers
// its health check.
func (x *containers) containerOutcome(ctx context.Context, domain string, ctr *testcontainers.DockerContainer) (*Launched, error) {
	stop := func(ctx context.Context) error { return ctr.Terminate(ctx) }
	deadline := time.Now().Add(x.cfg.Scale(healthTimeout))
	for time.Now().Before(deadline) {
		st, err := ctr.State(ctx)
		if err != nil {
			_ = stop(context.Background())
			return nil, fmt.Errorf("launch %s: state: %w", domain, err)
		}
		if !st.Running && (st.Status == "exited" || st.Status == "dead") {
			out := fmt.Sprintf("%s\n(exit status %d)", launch.ContainerLogs(ctr), st.ExitCode)
			_ = stop(context.Background())
			return &Launched{Refused: true, Output: out}, nil
		}
		if ep, err := ctr.PortEndpoint(ctx, launch.ContractPort, ""); err == nil && healthOnce(ctx, domain, ep) {
			return &Launched{Addr: ep, stop: stop}, nil
		}
		select {
		case <-ctx.Done():
			_ = stop(context.Background())
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	_ = stop(context.Background())
	return nil, fmt.Errorf("launch %s: neither started nor refused within %v", domain, x.cfg.Scale(healthTimeout))
}

// healthOnce reports whether GET /emsg/v1/health at hostport answers 200.
func healthOnce(ctx context.Context, domain, hostport string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+hostport+"/emsg/v1/health", nil)
	req.Host = domain
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
