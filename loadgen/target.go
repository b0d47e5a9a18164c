package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/emsg-project/emsg/loadgen/results"
	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reference/server"
	"github.com/emsg-project/emsg/reference/server/config"
)

// Target is the deployment a run loads: its resolver table, its servers'
// resource use where the simulator can see it, and how to stop it.
//
// Three kinds exist: [StartEmbedded] (the reference servers in this
// process: small runs; one process may hold at most 20,000 open files,
// client and server ends together), [StartSpawned] (one `emsg serve`
// process per domain: big runs, with CPU and RSS per server) and
// [External] (any implementation, by resolver table). Exec and container
// targets of the conformance harness are not wired in yet.
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

// spawned is one `emsg serve` process per domain.
type spawned struct {
	table resolve.Table
	cmds  []*exec.Cmd
	names []string
	stats []results.Process
}

// StartSpawned starts `exe serve` once per domain on loopback, data under
// dir, every server knowing the whole resolver table, and waits until
// each answers its discovery document.
func StartSpawned(exe string, domains []string, dir string, env []string) (Target, error) {
	s := &spawned{}
	var err error
	for _, d := range domains {
		port, perr := freePort()
		if perr != nil {
			return nil, perr
		}
		if s.table, err = s.table.With(d, "127.0.0.1:"+strconv.Itoa(port)); err != nil {
			return nil, err
		}
	}
	for _, d := range domains {
		addr, _ := s.table.Lookup(d)
		cmd := exec.Command(exe, "serve", "--domain", d, "--listen", addr, "--data-dir", filepath.Join(dir, d))
		cmd.Env = append(append(os.Environ(), env...), "EMSG_RESOLVE="+s.table.String())
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			_ = s.Close()
			return nil, fmt.Errorf("load: spawn server for %s: %w", d, err)
		}
		s.cmds, s.names = append(s.cmds, cmd), append(s.names, d)
	}
	if err := s.waitHealthy(30 * time.Second); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("load: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitHealthy polls every server's discovery document.
func (s *spawned) waitHealthy(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	c := s.table.Client(nil)
	for _, d := range s.names {
		url, _ := s.table.URL(d, "/.well-known/emsg")
		for {
			resp, err := c.Get(url)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("load: server for %s did not answer within %v: %v", d, timeout, err)
			}
			time.Sleep(50 * time.Millisecond) // polling a child process: there is nothing to wait on
		}
	}
	return nil
}

func (s *spawned) Name() string            { return "spawned" }
func (s *spawned) Resolver() resolve.Table { return s.table }

// Processes reads each live server's CPU time and peak RSS from /proc.
func (s *spawned) Processes() []results.Process {
	if s.stats != nil {
		return s.stats
	}
	var out []results.Process
	for i, c := range s.cmds {
		if c.Process != nil {
			out = append(out, procStats(s.names[i], c.Process.Pid))
		}
	}
	return out
}

// Close stops every server with SIGTERM and waits, keeping their final
// resource use.
func (s *spawned) Close() error {
	if s.stats != nil {
		return nil // closed before
	}
	s.stats = s.Processes()
	var errs []error
	for _, c := range s.cmds {
		if c.Process == nil {
			continue
		}
		_ = c.Process.Signal(syscall.SIGTERM)
		if err := c.Wait(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

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
