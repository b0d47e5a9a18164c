package image

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/emsg-project/emsg/spec"
)

// domain is the one server the test runs.
const domain = "a.test"

// TestReferenceImage builds the reference image once and checks it against
// the container contract (docs/CONTAINER.md); each subtest names its row.
func TestReferenceImage(t *testing.T) {
	docker := requireDocker(t)
	pinPublishedHost(t, docker)
	r := newRun(t, docker)
	tag := buildImage(t, r)
	t.Run("C1 C2 C5 C7 C8 C12 image metadata", func(t *testing.T) { checkMetadata(t, r, tag) })
	t.Run("C3 refuses to start without a valid domain", func(t *testing.T) { checkRefusals(t, r, tag) })

	nw := newNetwork(t, r)
	volume := newVolume(t, r, "data")
	first := startServer(t, r, tag, domain, nw, volume)
	var key string
	t.Run("C6 C9 health over plain HTTP", func(t *testing.T) { checkHealth(t, first) })
	t.Run("C3 discovery for its domain", func(t *testing.T) { key = serverKey(t, first) })
	t.Run("network alias", func(t *testing.T) { checkAlias(t, first, nw) })
	t.Run("C10 logs on stdout", func(t *testing.T) { checkLogs(t, first) })
	t.Run("C7 stops on SIGTERM", func(t *testing.T) { checkStop(t, r, first) })
	t.Run("C5 key kept on the volume", func(t *testing.T) {
		again := startServer(t, r, tag, domain, nw, volume)
		if got := serverKey(t, again); key == "" || got != key {
			t.Errorf("a new container on the same /data volume has server key %q, the first had %q", got, key)
		}
	})
	t.Run("C5 new key on a fresh volume", func(t *testing.T) {
		fresh := startServer(t, r, tag, domain, nw, newVolume(t, r, "fresh"))
		if got := serverKey(t, fresh); got == key {
			t.Errorf("a container on a fresh volume has the first container's key %q: the key is not random per data directory", got)
		}
	})
}

// checkRefusals starts the image with a missing or invalid EMSG_DOMAIN and
// checks it exits with a non-zero status, saying why.
func checkRefusals(t *testing.T, r *run, tag string) {
	tests := []struct {
		name string
		env  map[string]string
	}{
		// No domain at all: there is nothing to serve.
		{"missing", map[string]string{}},
		// An invalid domain (empty label) is refused, not served.
		{"invalid", map[string]string{"EMSG_DOMAIN": "a..test"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctr := startExpectingExit(t, r, tag, tt.env)
			status := waitExit(t, r, ctr, startupTimeout)
			out, err := readLogs(ctr)
			if err != nil {
				t.Fatal(err)
			}
			if status == 0 || !strings.Contains(out, "EMSG_DOMAIN") {
				t.Errorf("with EMSG_DOMAIN %s the server exited with status %d saying %q; want a non-zero status naming EMSG_DOMAIN", tt.name, status, out)
			}
		})
	}
}

// checkHealth checks the health answer byte for byte and against the spec.
func checkHealth(t *testing.T, ctr *testcontainers.DockerContainer) {
	req, resp, body := get(t, ctr, domain, healthPath)
	if resp.StatusCode != http.StatusOK || string(body) != healthBody {
		t.Errorf("GET %s: %d %s, want 200 %s", healthPath, resp.StatusCode, body, healthBody)
	}
	if err := spec.ValidateExchange(spec.ClientAPI, req, nil, resp, body); err != nil {
		t.Errorf("GET %s breaks the spec: %v", healthPath, err)
	}
}

// serverKey fetches the discovery document, checks it against the spec and
// the domain, and returns its one server key.
func serverKey(t *testing.T, ctr *testcontainers.DockerContainer) string {
	t.Helper()
	req, resp, body := get(t, ctr, domain, "/.well-known/emsg")
	if err := spec.ValidateExchange(spec.ClientAPI, req, nil, resp, body); err != nil {
		t.Fatalf("the discovery document breaks the spec: %v\n%s", err, body)
	}
	var doc struct {
		Domain     string            `json:"domain"`
		ServerKeys map[string]string `json:"server_keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("discovery document: %v", err)
	}
	if doc.Domain != domain || len(doc.ServerKeys) != 1 {
		t.Fatalf("discovery document for %s with %d server keys, want %s with 1: %s", doc.Domain, len(doc.ServerKeys), domain, body)
	}
	for id, k := range doc.ServerKeys {
		return id + "=" + k
	}
	return ""
}

// checkAlias checks the container answers to its domain on the private
// network, where the other servers of a suite reach it.
func checkAlias(t *testing.T, ctr *testcontainers.DockerContainer, nw *testcontainers.DockerNetwork) {
	aliases, err := ctr.NetworkAliases(context.Background())
	if err != nil {
		t.Fatalf("network aliases: %v", err)
	}
	for _, a := range aliases[nw.Name] {
		if a == domain {
			return
		}
	}
	t.Errorf("the container's aliases on %s are %v, want %s among them", nw.Name, aliases[nw.Name], domain)
}

// checkLogs checks the server writes to stdout/stderr, where `docker logs`
// and the harness read it.
func checkLogs(t *testing.T, ctr *testcontainers.DockerContainer) {
	out, err := readLogs(ctr)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "serving "+domain) {
		t.Errorf("the container output does not say it is serving %s: %q", domain, out)
	}
}

// checkStop sends SIGTERM and checks the server exits by itself, with
// status 0, within the contract's 10 s.
func checkStop(t *testing.T, r *run, ctr *testcontainers.DockerContainer) {
	exited := watchExit(t, r, ctr, stopDeadline+5*time.Second)
	start := time.Now()
	if _, err := r.docker.ContainerKill(context.Background(), ctr.GetContainerID(), client.ContainerKillOptions{Signal: "SIGTERM"}); err != nil {
		t.Fatalf("send SIGTERM: %v", err)
	}
	status := exited()
	took := time.Since(start)
	t.Logf("stopped %v after SIGTERM with status %d", took.Round(time.Millisecond), status)
	if status != 0 || took > stopDeadline {
		t.Errorf("after SIGTERM the server exited with status %d in %v, want 0 within %v%s", status, took, stopDeadline, containerLogs(ctr))
	}
}
