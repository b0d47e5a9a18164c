package loadgen

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emsg-project/emsg/loadgen/results"
	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reference/server"
	"github.com/emsg-project/emsg/reference/server/config"
)

// Target is the deployment a run loads: its resolver table, its servers'
// resource use where the simulator can see it, and how to stop it.
//
// Five kinds exist: [StartEmbedded] (the reference servers in this
// process: small runs; one process may hold at most 20,000 open files,
// client and server ends together), [StartSpawned] (one `emsg serve`
// process per domain: big runs), [StartExec] (any implementation, by a
// command template per domain, as the conformance harness's exec target),
// [StartContainers] (an image per domain on a private Docker network, as
// the harness's container target) and [External] (any deployment, by
// resolver table). Spawned and exec servers report CPU time and peak RSS
// from /proc, containers from the engine's stats.
type Target interface {
	Name() string
	Resolver() resolve.Table
	Processes() []results.Process
	Close() error
}

// embedded is the reference deployment in-process.
type embedded struct {
	d    *server.Deployment
	once sync.Once
	err  error
}

// StartEmbedded starts one reference server per domain in this process,
// with data under dir.
func StartEmbedded(domains []string, dir string) (Target, error) {
	base := config.Defaults()
	base.DataDir = dir
	d, err := server.StartDeployment(base, domains)
	if err != nil {
		return nil, fmt.Errorf("load: embedded target: %w", err)
	}
	return &embedded{d: d}, nil
}

func (e *embedded) Name() string            { return "embedded" }
func (e *embedded) Resolver() resolve.Table { return e.d.Resolver() }
func (e *embedded) Processes() []results.Process {
	return []results.Process{selfProcess("embedded servers + simulator")}
}
func (e *embedded) Close() error {
	e.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e.err = e.d.Shutdown(ctx)
	})
	return e.err
}

// external is a deployment the simulator did not start.
type external struct{ t resolve.Table }

// External is a target reached through table; nothing is started or
// stopped and server resources are not measured.
func External(table resolve.Table) Target { return external{t: table} }

func (e external) Name() string                 { return "external" }
func (e external) Resolver() resolve.Table      { return e.t }
func (e external) Processes() []results.Process { return nil }
func (e external) Close() error                 { return nil }

// selfProcess is this process's resource use.
func selfProcess(name string) results.Process { return procStats(name, os.Getpid()) }

// procStats reads a process's user+system CPU seconds (/proc/pid/stat)
// and peak resident set (VmHWM in /proc/pid/status). Where /proc is
// missing the figures stay zero.
func procStats(name string, pid int) results.Process {
	p := results.Process{Name: name}
	if raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		s := string(raw)
		if i := strings.LastIndexByte(s, ')'); i > 0 {
			f := strings.Fields(s[i+1:])
			if len(f) > 13 {
				ut, _ := strconv.ParseFloat(f[11], 64)
				st, _ := strconv.ParseFloat(f[12], 64)
				p.CPUSeconds = (ut + st) / 100 // USER_HZ is 100 on Linux
			}
		}
	}
	if raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				p.MaxRSS = kb * 1024
			}
		}
	}
	return p
}
