package loadgen

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/emsg-project/emsg/internal/launch"
	"github.com/emsg-project/emsg/loadgen/results"
	"github.com/emsg-project/emsg/reference/resolve"
)

// stopGrace is how long a server has to stop after SIGTERM before it is
// killed (docs/CONTAINER.md, C7).
const stopGrace = 10 * time.Second

// execTarget is one server process per domain, started from a command
// template on loopback.
type execTarget struct {
	name  string
	table resolve.Table
	procs []*execProc
	stats []results.Process // read at Close
}

// execProc is one running server.
type execProc struct {
	domain string
	cmd    *exec.Cmd
	done   chan error
}

// StartExec starts template once per domain, as the conformance
// harness's exec target does (package launch): the placeholders
// {domain}, {listen}, {resolve_file} and {data_dir} (also set as
// EMSG_DOMAIN, EMSG_LISTEN, EMSG_RESOLVE_FILE and EMSG_DATA_DIR) give each
// server a loopback port, the resolver table naming every server, and a
// data directory under dir; env adds variables. It waits until every
// server answers its health check.
func StartExec(template string, domains []string, dir string, env []string) (Target, error) {
	return startExec("exec", template, domains, dir, env)
}

// StartSpawned starts `exe serve` once per domain: an exec target whose
// command is this binary (the reference server), configured by the
// EMSG_* variables.
func StartSpawned(exe string, domains []string, dir string, env []string) (Target, error) {
	return startExec("spawned", launch.Quote(exe)+" serve", domains, dir, env)
}

func startExec(name, template string, domains []string, dir string, env []string) (Target, error) {
	x := &execTarget{name: name}
	servers := make([]launch.Server, len(domains))
	for i, d := range domains {
		listen, err := launch.FreePort()
		if err != nil {
			return nil, fmt.Errorf("load: %s target: %w", name, err)
		}
		if x.table, err = x.table.With(d, listen); err != nil {
			return nil, fmt.Errorf("load: %s target: %w", name, err)
		}
		servers[i] = launch.Server{Domain: d, Listen: listen, ResolveFile: filepath.Join(dir, "resolve.conf"), DataDir: filepath.Join(dir, d)}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("load: %s target: %w", name, err)
	}
	if err := os.WriteFile(servers[0].ResolveFile, []byte(x.table.FileText()), 0o644); err != nil {
		return nil, fmt.Errorf("load: %s target: resolver file: %w", name, err)
	}
	for _, s := range servers {
		if err := x.start(s, template, env); err != nil {
			_ = x.Close()
			return nil, err
		}
	}
	for _, s := range servers {
		if err := launch.WaitHealthy(context.Background(), s.Domain, s.Listen, launch.HealthTimeout); err != nil {
			_ = x.Close()
			return nil, fmt.Errorf("load: %s target: %w", name, err)
		}
	}
	return x, nil
}

// start starts the server s.
func (x *execTarget) start(s launch.Server, template string, env []string) error {
	if err := os.MkdirAll(s.DataDir, 0o700); err != nil {
		return fmt.Errorf("load: %s target: %w", x.name, err)
	}
	cmd := s.Command(template)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("load: %s target: start %q for %s: %w", x.name, s.Expand(template), s.Domain, err)
	}
	p := &execProc{domain: s.Domain, cmd: cmd, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	x.procs = append(x.procs, p)
	return nil
}

func (x *execTarget) Name() string            { return x.name }
func (x *execTarget) Resolver() resolve.Table { return x.table }

// Processes reads each live server's CPU time and peak RSS from /proc
// (the command's process is the server: /bin/sh execs it).
func (x *execTarget) Processes() []results.Process {
	if x.stats != nil {
		return x.stats
	}
	var out []results.Process
	for _, p := range x.procs {
		out = append(out, procStats(p.domain, p.cmd.Process.Pid))
	}
	return out
}

// Close stops every server (SIGTERM, then SIGKILL after the grace time),
// keeping their final resource use.
func (x *execTarget) Close() error {
	if x.stats != nil {
		return nil // closed before
	}
	x.stats = x.Processes()
	var errs []error
	for _, p := range x.procs {
		if err := launch.Stop(p.cmd.Process, p.done, stopGrace); err != nil {
			errs = append(errs, fmt.Errorf("load: %s server %s: %w", x.name, p.domain, err))
		}
	}
	return errors.Join(errs...)
}
