package image

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// dockerfile is the image's recipe, relative to this package's directory.
const dockerfile = "../Dockerfile"

// serverPackage is the binary the image runs.
const serverPackage = "github.com/emsg-project/emsg/cmd/emsg"

// buildTimeout bounds building the binary and the image.
const buildTimeout = 5 * time.Minute

// buildImage builds the image the way `make image` does — a static binary
// for the engine's architecture and an empty data/ directory in a build
// context of their own, reference/server/Dockerfile as the recipe — under a
// tag unique to the run, labelled for its cleanup. It returns the tag.
func buildImage(t *testing.T, r *run) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	dir := t.TempDir()
	start := time.Now()
	if err := buildBinary(ctx, r, dir); err != nil {
		t.Fatal(err)
	}
	binary := time.Since(start)
	tag, err := buildFromDockerfile(ctx, r, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built %s: binary %v, image %v", tag, binary.Round(time.Millisecond), (time.Since(start) - binary).Round(time.Millisecond))
	return tag
}

// buildBinary writes the build context into dir: the static binary (as
// `make image` builds it), an empty data/ and a copy of the Dockerfile.
func buildBinary(ctx context.Context, r *run, dir string) error {
	version, err := r.docker.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return fmt.Errorf("docker version: %w", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		return fmt.Errorf("build context: %w", err)
	}
	recipe, err := os.ReadFile(dockerfile)
	if err != nil {
		return fmt.Errorf("build context: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), recipe, 0o644); err != nil {
		return fmt.Errorf("build context: %w", err)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(dir, "emsg"), serverPackage)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+version.Arch)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s for linux/%s: %w\n%s", serverPackage, version.Arch, err, out)
	}
	return nil
}

// buildFromDockerfile builds the image from the context in dir with
// testcontainers-go, keeping it (the run's cleanup removes it by label).
func buildFromDockerfile(ctx context.Context, r *run, dir string) (string, error) {
	provider, err := testcontainers.NewDockerProvider()
	if err != nil {
		return "", fmt.Errorf("docker provider: %w", err)
	}
	defer provider.Close()
	var log bytes.Buffer
	revision := "test-" + r.id
	created := time.Now().UTC().Format(time.RFC3339)
	req := &testcontainers.ContainerRequest{FromDockerfile: testcontainers.FromDockerfile{
		Context:        dir,
		Dockerfile:     "Dockerfile",
		Repo:           "emsg-reference",
		Tag:            "test-" + r.id,
		BuildArgs:      map[string]*string{"VERSION": &revision, "REVISION": &revision, "CREATED": &created},
		BuildLogWriter: &log,
		KeepImage:      true,
		BuildOptionsModifier: func(o *client.ImageBuildOptions) {
			o.Labels = r.labels()
		},
	}}
	tag, err := provider.BuildImage(ctx, req)
	if err != nil {
		return "", fmt.Errorf("docker build -f %s: %w\n%s", dockerfile, err, log.Bytes())
	}
	return tag, nil
}
