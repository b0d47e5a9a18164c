package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/emsg-project/emsg/internal/launch"
	"github.com/emsg-project/emsg/loadgen/results"
	"github.com/emsg-project/emsg/reference/resolve"
)

// statsEvery is how often the container target samples its containers'
// memory for the peak.
const statsEvery = 2 * time.Second

// containerTarget is one container per domain on a private network, as
// the conformance harness runs them (package launch), reached from here
// on their published ports, without the harness's proxies: the load goes
// straight to the servers.
type containerTarget struct {
	docker *testcontainers.DockerClient
	run    string
	table  resolve.Table
	ctrs   []domainContainer
	stop   chan struct{}
	done   chan struct{}

	mu     sync.Mutex
	usage  map[string]launch.Usage // the last sample of each domain
	peak   map[string]int64        // the largest memory sample of each domain
	closed bool
}

// domainContainer is the container of one domain.
type domainContainer struct {
	domain string
	ctr    *testcontainers.DockerContainer
}

// StartContainers runs images (one for every domain, or one per domain in
// order) following the container contract (docs/CONTAINER.md): each on a
// private network under its domain as alias, the servers' resolver table
// mapping every domain to <domain>:7000 there, data in a volume. The
// simulator reaches each on its published port. Everything is labelled
// with the run and removed by label on Close. The servers' CPU time and
// peak memory come from the engine's stats, sampled every 2 s.
func StartContainers(ctx context.Context, images, domains []string) (Target, error) {
	if len(images) != 1 && len(images) != len(domains) {
		return nil, fmt.Errorf("load: container target: want one image, or one per domain (%d), got %d", len(domains), len(images))
	}
	docker, err := launch.Docker(ctx)
	if err != nil {
		return nil, fmt.Errorf("load: container target: %w", err)
	}
	launch.PinPublishedHost(docker)
	var b [6]byte
	_, _ = rand.Read(b[:])
	x := &containerTarget{docker: docker, run: hex.EncodeToString(b[:]), stop: make(chan struct{}), done: make(chan struct{}),
		usage: map[string]launch.Usage{}, peak: map[string]int64{}}
	if err := x.start(ctx, images, domains); err != nil {
		close(x.done)
		_ = x.Close()
		return nil, err
	}
	go x.sample()
	return x, nil
}

func (x *containerTarget) labels() map[string]string {
	return map[string]string{launch.TestLabel: "load", launch.RunLabel: x.run}
}

// start creates the network and runs every domain's container.
func (x *containerTarget) start(ctx context.Context, images, domains []string) error {
	nw, err := launch.NewNetwork(ctx, x.labels())
	if err != nil {
		return fmt.Errorf("load: container target: %w", err)
	}
	var servers []string
	for _, d := range domains {
		servers = append(servers, d+"="+d+":7000")
	}
	for i, d := range domains {
		image := images[0]
		if len(images) > 1 {
			image = images[i]
		}
		ctr, err := launch.RunContainer(ctx, x.docker, launch.Container{Image: image, Domain: d,
			Resolve: strings.Join(servers, ","), Labels: x.labels(), Network: nw,
			Volume: "emsg-load-" + x.run + "-" + strings.ReplaceAll(d, ".", "-")})
		if ctr != nil {
			x.ctrs = append(x.ctrs, domainContainer{domain: d, ctr: ctr})
		}
		if err != nil {
			if ctr != nil {
				err = fmt.Errorf("%w\n%s", err, launch.ContainerLogs(ctr))
			}
			return fmt.Errorf("load: container target: %w", err)
		}
		ep, err := launch.Endpoint(ctx, ctr)
		if err == nil {
			x.table, err = x.table.With(d, ep)
		}
		if err != nil {
			return fmt.Errorf("load: container target: %s: %w", d, err)
		}
	}
	return nil
}

// sample reads every container's stats until Close.
func (x *containerTarget) sample() {
	defer close(x.done)
	t := time.NewTicker(statsEvery)
	defer t.Stop()
	for {
		x.readStats()
		select {
		case <-x.stop:
			return
		case <-t.C:
		}
	}
}

// readStats takes one sample of every container.
func (x *containerTarget) readStats() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, c := range x.ctrs {
		u, err := launch.ContainerStats(ctx, x.docker, c.ctr.GetContainerID())
		if err != nil {
			continue // a sample missed; the next one counts
		}
		x.mu.Lock()
		x.usage[c.domain] = u
		x.peak[c.domain] = max(x.peak[c.domain], u.MemoryBytes)
		x.mu.Unlock()
	}
}

func (x *containerTarget) Name() string            { return "container" }
func (x *containerTarget) Resolver() resolve.Table { return x.table }

// Processes is each container's CPU time (at the last sample) and peak
// memory (the largest sample of its working set).
func (x *containerTarget) Processes() []results.Process {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []results.Process
	for _, c := range x.ctrs {
		out = append(out, results.Process{Name: c.domain + " (container)", CPUSeconds: x.usage[c.domain].CPUSeconds, MaxRSS: x.peak[c.domain]})
	}
	return out
}

// Close takes a last sample, then removes the containers, the network
// and the volumes of the run.
func (x *containerTarget) Close() error {
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		return nil
	}
	x.closed = true
	x.mu.Unlock()
	close(x.stop)
	<-x.done
	x.readStats()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := launch.RemoveByLabel(ctx, x.docker, launch.RunLabel+"="+x.run)
	return errors.Join(err, x.docker.Close())
}
