package image

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// checkMetadata checks the image configuration against the contract's
// static rows (docs/CONTAINER.md): what an operator or a harness reads from
// `docker image inspect` before starting anything.
func checkMetadata(t *testing.T, r *run, tag string) {
	inspect, err := r.docker.ImageInspect(context.Background(), tag)
	if err != nil {
		t.Fatalf("inspect %s: %v", tag, err)
	}
	if inspect.Config == nil {
		t.Fatalf("inspect %s: no configuration", tag)
	}
	cfg := inspect.Config.ImageConfig
	tests := []struct {
		name  string
		check func(ocispec.ImageConfig) bool
	}{
		// The harness publishes and probes 7000/tcp.
		{"C2 exposes 7000/tcp", func(c ocispec.ImageConfig) bool { _, ok := c.ExposedPorts["7000/tcp"]; return ok }},
		// A numeric non-root user: scratch has no /etc/passwd to name one.
		{"C8 runs as a numeric non-root user", func(c ocispec.ImageConfig) bool { return nonRootNumeric(c.User) }},
		// The state lives in the /data volume the harness mounts.
		{"C5 declares the /data volume", func(c ocispec.ImageConfig) bool { _, ok := c.Volumes["/data"]; return ok }},
		// EMSG_DATA_DIR points at the volume, EMSG_LISTEN at the contract's port.
		{"C5 sets EMSG_DATA_DIR=/data", func(c ocispec.ImageConfig) bool { return slices.Contains(c.Env, "EMSG_DATA_DIR=/data") }},
		{"C2 sets EMSG_LISTEN=:7000", func(c ocispec.ImageConfig) bool { return slices.Contains(c.Env, "EMSG_LISTEN=:7000") }},
		// docker stop sends SIGTERM (the default when unset).
		{"C7 stops with SIGTERM", func(c ocispec.ImageConfig) bool { return c.StopSignal == "" || c.StopSignal == "SIGTERM" }},
		// The server is the entrypoint; arguments given to docker run are serve flags.
		{"C1 runs emsg serve", func(c ocispec.ImageConfig) bool { return slices.Equal(c.Entrypoint, []string{"/emsg", "serve"}) }},
		// OCI annotations every published image carries, and the project's own.
		{"C12 labels title, source, version, revision, created", func(c ocispec.ImageConfig) bool {
			return hasLabels(c.Labels, "org.opencontainers.image.title", "org.opencontainers.image.source",
				"org.opencontainers.image.version", "org.opencontainers.image.revision", "org.opencontainers.image.created")
		}},
		{"C12 labels the version from the build", func(c ocispec.ImageConfig) bool {
			return c.Labels["org.opencontainers.image.version"] == "test-"+r.id
		}},
		{"C12 labels the component", func(c ocispec.ImageConfig) bool {
			return c.Labels["org.emsg-project.component"] == "reference-server"
		}},
	}
	for _, tt := range tests {
		if !tt.check(cfg) {
			t.Errorf("the image does not satisfy %q: user %q ports %v volumes %v env %v entrypoint %v stop %q labels %v",
				tt.name, cfg.User, cfg.ExposedPorts, cfg.Volumes, cfg.Env, cfg.Entrypoint, cfg.StopSignal, cfg.Labels)
		}
	}
}

// nonRootNumeric reports whether user is "uid" or "uid:gid", both numbers,
// uid not 0.
func nonRootNumeric(user string) bool {
	uid, gid, hasGID := strings.Cut(user, ":")
	n, err := strconv.ParseUint(uid, 10, 32)
	if err != nil || n == 0 {
		return false
	}
	if hasGID {
		_, err = strconv.ParseUint(gid, 10, 32)
	}
	return err == nil
}

// hasLabels reports whether every key is present with a non-empty value.
func hasLabels(labels map[string]string, keys ...string) bool {
	for _, k := range keys {
		if labels[k] == "" {
			return false
		}
	}
	return true
}
