package image

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/emsg-project/emsg/reference/resolve"
)

// The contract's fixed values (docs/CONTAINER.md).
const (
	contractPort   = "7000/tcp"
	healthPath     = "/emsg/v1/health"
	healthBody     = `{"status":"ok"}`
	dataDir        = "/data"
	stopDeadline   = 10 * time.Second
	startupTimeout = 30 * time.Second
)

// newNetwork creates the run's private network.
func newNetwork(t *testing.T, r *run) *testcontainers.DockerNetwork {
	t.Helper()
	nw, err := network.New(context.Background(), network.WithLabels(r.labels()))
	if err != nil {
		t.Fatalf("create network: %v", err)
	}
	return nw
}

// newVolume creates a named volume of the run.
func newVolume(t *testing.T, r *run, what string) string {
	t.Helper()
	name := r.name(what)
	_, err := r.docker.VolumeCreate(context.Background(), client.VolumeCreateOptions{Name: name, Labels: r.labels()})
	if err != nil {
		t.Fatalf("create volume %s: %v", name, err)
	}
	return name
}

// startServer starts the image for domain on nw (under the domain as its
// alias) with volume at /data, and waits until the health endpoint answers
// 200 {"status":"ok"}.
func startServer(t *testing.T, r *run, tag, domain string, nw *testcontainers.DockerNetwork, volume string) *testcontainers.DockerContainer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startupTimeout+10*time.Second)
	defer cancel()
	start := time.Now()
	ctr, err := testcontainers.Run(ctx, tag,
		testcontainers.WithEnv(map[string]string{"EMSG_DOMAIN": domain}),
		testcontainers.WithExposedPorts(contractPort),
		testcontainers.WithLabels(r.labels()),
		testcontainers.WithMounts(testcontainers.VolumeMount(volume, dataDir)),
		network.WithNetwork([]string{domain}, nw),
		testcontainers.WithHostConfigModifier(readOnlyRoot),
		testcontainers.WithWaitStrategy(wait.ForHTTP(healthPath).
			WithPort(contractPort).
			WithStartupTimeout(startupTimeout).
			WithPollInterval(50*time.Millisecond).
			WithResponseMatcher(isHealthy)),
	)
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatalf("start %s for %s: %v%s", tag, domain, err, containerLogs(ctr))
	}
	t.Logf("%s ready in %v", domain, time.Since(start).Round(time.Millisecond))
	return ctr
}

// startExpectingExit starts the image with env and a tmpfs /data, without
// waiting for health: for configurations the server must refuse.
func startExpectingExit(t *testing.T, r *run, tag string, env map[string]string) *testcontainers.DockerContainer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startupTimeout)
	defer cancel()
	ctr, err := testcontainers.Run(ctx, tag,
		testcontainers.WithEnv(env),
		testcontainers.WithLabels(r.labels()),
		testcontainers.WithTmpfs(map[string]string{dataDir: "uid=65532,gid=65532,mode=0700"}),
		testcontainers.WithHostConfigModifier(readOnlyRoot),
	)
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatalf("start %s: %v", tag, err)
	}
	return ctr
}

// readOnlyRoot starts the container with a read-only root filesystem: the
// server writes nothing outside /data (C8).
func readOnlyRoot(hc *container.HostConfig) { hc.ReadonlyRootfs = true }

// watchExit starts watching for the container's exit and returns the
// function that waits for it (at most within) and returns its status. Call
// it before doing what should make the container exit.
func watchExit(t *testing.T, r *run, ctr *testcontainers.DockerContainer, within time.Duration) func() int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	exited := r.docker.ContainerWait(ctx, ctr.GetContainerID(), client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	return func() int64 {
		t.Helper()
		defer cancel()
		select {
		case res := <-exited.Result:
			return res.StatusCode
		case err := <-exited.Error:
			t.Fatalf("no exit within %v: %v%s", within, err, containerLogs(ctr))
			return 0
		}
	}
}

// waitExit waits for the container to exit by itself and returns its status.
func waitExit(t *testing.T, r *run, ctr *testcontainers.DockerContainer, within time.Duration) int64 {
	t.Helper()
	return watchExit(t, r, ctr, within)()
}

// isHealthy reports whether a health answer's body is the contract's.
func isHealthy(body io.Reader) bool {
	raw, err := io.ReadAll(body)
	return err == nil && string(bytes.TrimSpace(raw)) == healthBody
}

// containerLogs is the container's output, for failure messages.
func containerLogs(ctr *testcontainers.DockerContainer) string {
	if ctr == nil {
		return ""
	}
	out, err := readLogs(ctr)
	if err != nil {
		return fmt.Sprintf("\n(no logs: %v)", err)
	}
	return "\ncontainer output:\n" + out
}

// readLogs returns what the container wrote to stdout and stderr.
func readLogs(ctr *testcontainers.DockerContainer) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rc, err := ctr.Logs(ctx)
	if err != nil {
		return "", fmt.Errorf("logs: %w", err)
	}
	defer rc.Close()
	raw, err := io.ReadAll(rc)
	if err != nil {
		return "", fmt.Errorf("logs: %w", err)
	}
	return string(raw), nil
}

// get fetches path from domain the way a peer does: through a resolver
// table that maps the domain to the container's published port.
func get(t *testing.T, ctr *testcontainers.DockerContainer, domain, path string) (*http.Request, *http.Response, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	endpoint, err := ctr.PortEndpoint(ctx, contractPort, "")
	if err != nil {
		t.Fatalf("published port: %v", err)
	}
	table, err := resolve.Parse(domain + "=" + endpoint)
	if err != nil {
		t.Fatalf("resolver table for %s: %v", endpoint, err)
	}
	url, err := table.URL(domain, path)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := table.Client(nil).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return req, resp, body
}
