package image

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// The labels every resource of a run carries: testLabel marks it as this
// package's (for a manual sweep after a killed run), runLabel names the run
// (what the cleanup removes, so parallel runs leave each other alone).
const (
	testLabel = "org.emsg-project.test"
	runLabel  = "org.emsg-project.test-run"
)

// cleanupTimeout bounds the removal of a run's resources.
const cleanupTimeout = 60 * time.Second

// run is one test run: its id and the Docker client it works through.
type run struct {
	id     string
	docker *testcontainers.DockerClient
}

// newRun names a run and registers the cleanup that removes, by label,
// everything the run creates — register it before creating anything, so it
// runs last and also after a failure.
func newRun(t *testing.T, docker *testcontainers.DockerClient) *run {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("run id: %v", err)
	}
	r := &run{id: hex.EncodeToString(b[:]), docker: docker}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		if err := r.removeAll(ctx); err != nil {
			t.Errorf("cleanup of run %s: %v", r.id, err)
		}
		if left := r.leftovers(ctx); left != "" {
			t.Errorf("cleanup of run %s left %s behind", r.id, left)
		}
	})
	return r
}

// labels are the labels of every resource of the run.
func (r *run) labels() map[string]string {
	return map[string]string{testLabel: "image", runLabel: r.id}
}

// name is a resource name unique to the run.
func (r *run) name(what string) string { return "emsg-test-" + r.id + "-" + what }

// filter selects the run's resources.
func (r *run) filter() client.Filters {
	return make(client.Filters).Add("label", runLabel+"="+r.id)
}

// removeAll removes the run's containers (with their anonymous volumes),
// then networks, volumes and images, in the order Docker allows.
func (r *run) removeAll(ctx context.Context) error {
	return errors.Join(r.removeContainers(ctx), r.removeNetworks(ctx), r.removeVolumes(ctx), r.removeImages(ctx))
}

func (r *run) removeContainers(ctx context.Context) error {
	list, err := r.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: r.filter()})
	if err != nil {
		return fmt.Errorf("list containers: %w", err)
	}
	var errs []error
	for _, c := range list.Items {
		_, err := r.docker.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
		errs = append(errs, wrapRemove("container", c.ID, err))
	}
	return errors.Join(errs...)
}

func (r *run) removeNetworks(ctx context.Context) error {
	list, err := r.docker.NetworkList(ctx, client.NetworkListOptions{Filters: r.filter()})
	if err != nil {
		return fmt.Errorf("list networks: %w", err)
	}
	var errs []error
	for _, n := range list.Items {
		_, err := r.docker.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
		errs = append(errs, wrapRemove("network", n.Name, err))
	}
	return errors.Join(errs...)
}

func (r *run) removeVolumes(ctx context.Context) error {
	list, err := r.docker.VolumeList(ctx, client.VolumeListOptions{Filters: r.filter()})
	if err != nil {
		return fmt.Errorf("list volumes: %w", err)
	}
	var errs []error
	for _, v := range list.Items {
		_, err := r.docker.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true})
		errs = append(errs, wrapRemove("volume", v.Name, err))
	}
	return errors.Join(errs...)
}

// removeImages removes the run's image and, with PruneChildren, the
// untagged intermediate images the classic builder left under it.
func (r *run) removeImages(ctx context.Context) error {
	list, err := r.docker.ImageList(ctx, client.ImageListOptions{Filters: r.filter()})
	if err != nil {
		return fmt.Errorf("list images: %w", err)
	}
	var errs []error
	for _, img := range list.Items {
		_, err := r.docker.ImageRemove(ctx, img.ID, client.ImageRemoveOptions{Force: true, PruneChildren: true})
		errs = append(errs, wrapRemove("image", img.ID, err))
	}
	return errors.Join(errs...)
}

func wrapRemove(kind, id string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("remove %s %s: %w", kind, id, err)
}

// leftovers lists what of the run is still there ("" when nothing is).
func (r *run) leftovers(ctx context.Context) string {
	var left []string
	if l, err := r.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: r.filter()}); err != nil || len(l.Items) > 0 {
		left = append(left, fmt.Sprintf("containers (%d, %v)", len(l.Items), err))
	}
	if l, err := r.docker.NetworkList(ctx, client.NetworkListOptions{Filters: r.filter()}); err != nil || len(l.Items) > 0 {
		left = append(left, fmt.Sprintf("networks (%d, %v)", len(l.Items), err))
	}
	if l, err := r.docker.VolumeList(ctx, client.VolumeListOptions{Filters: r.filter()}); err != nil || len(l.Items) > 0 {
		left = append(left, fmt.Sprintf("volumes (%d, %v)", len(l.Items), err))
	}
	if l, err := r.docker.ImageList(ctx, client.ImageListOptions{Filters: r.filter()}); err != nil || len(l.Items) > 0 {
		left = append(left, fmt.Sprintf("images (%d, %v)", len(l.Items), err))
	}
	return strings.Join(left, ", ")
}
