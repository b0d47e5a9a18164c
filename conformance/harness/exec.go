package harness

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/emsg-project/emsg/internal/launch"
	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reports/results"
)

// stopGrace is how long a stopped process has before it is killed
// (docs/CONTAINER.md, C7).
const stopGrace = 10 * time.Second

// execTarget runs a command per domain, each behind its proxy.
type execTarget struct {
	proxies
	cfg   Config
	dir   string
	table resolve.Table
	peers map[string]net.Listener
	mu    sync.Mutex
	procs map[string]*process
	logs  map[string]*logBuffer
}

// process is one running server process.
type process struct {
	cmd  *exec.Cmd
	done chan error
}

// StartExec starts c.Command once per domain. Each process gets a data
// directory of its own (kept across Stop and Start) and the resolver
// table file naming every domain's proxy and the fake peers.
func StartExec(ctx context.Context, c Config) (Deployment, error) {
	dir, err := os.MkdirTemp("", "emsg-conform-exec-")
	if err != nil {
		return nil, fmt.Errorf("exec: %w", err)
	}
	x := &execTarget{proxies: proxies{}, cfg: c, dir: dir, procs: map[string]*process{}, logs: map[string]*logBuffer{}}
	if err := x.start(ctx); err != nil {
		_ = x.Close(ctx)
		return nil, err
	}
	return x, nil
}

func (x *execTarget) start(ctx context.Context) error {
	var err error
	if x.peers, err = reservePeers(x.cfg.Peers); err != nil {
		return err
	}
	for _, d := range x.cfg.Domains {
		p, err := NewProxy("127.0.0.1:1", x.cfg.Middleware[d])
		if err != nil {
			return err
		}
		x.proxies[d] = p
		x.logs[d] = &logBuffer{}
	}
	if x.table, err = x.proxies.table(x.cfg.Domains, x.peers); err != nil {
		return err
	}
	if err := os.WriteFile(x.resolveFile(), []byte(x.table.FileText()), 0o644); err != nil {
		return fmt.Errorf("exec: resolver file: %w", err)
	}
	for _, d := range x.cfg.Domains {
		if err := x.Start(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

func (x *execTarget) resolveFile() string { return filepath.Join(x.dir, "resolve.conf") }

// Start runs the command of domain and waits until it is healthy.
func (x *execTarget) Start(ctx context.Context, domain string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, ok := x.procs[domain]; ok {
		return nil
	}
	listen, err := launch.FreePort()
	if err != nil {
		return fmt.Errorf("exec %s: %w", domain, err)
	}
	data := filepath.Join(x.dir, domain)
	if err := os.MkdirAll(data, 0o700); err != nil {
		return fmt.Errorf("exec %s: %w", domain, err)
	}
	srv := launch.Server{Domain: domain, Listen: listen, ResolveFile: x.resolveFile(), DataDir: data,
		AdminKeys: x.cfg.AdminKeys(domain), Settings: x.cfg.ServerSettings()}
	cmd := srv.Command(x.cfg.Command)
	cmd.Stdout, cmd.Stderr = x.logs[domain], x.logs[domain]
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("exec %s: %q: %w", domain, srv.Expand(x.cfg.Command), err)
	}
	p := &process{cmd: cmd, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	x.procs[domain] = p
	x.proxies[domain].SetBackend(listen)
	if err := waitHealthy(ctx, domain, listen, x.cfg.Scale(healthTimeout)); err != nil {
		return fmt.Errorf("exec %s: %w\n%s", domain, err, x.logs[domain].tail(20))
	}
	return nil
}

// Stop sends SIGTERM and waits, killing the process after the grace time.
func (x *execTarget) Stop(_ context.Context, domain string) error {
	x.mu.Lock()
	p, ok := x.procs[domain]
	delete(x.procs, domain)
	x.mu.Unlock()
	if !ok {
		return nil
	}
	if err := launch.Stop(p.cmd.Process, p.done, x.cfg.Scale(stopGrace)); err != nil {
		return fmt.Errorf("exec %s: %w", domain, err)
	}
	return nil
}

func (x *execTarget) signal(domain string, sig syscall.Signal) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	p, ok := x.procs[domain]
	if !ok {
		return fmt.Errorf("exec %s: not running", domain)
	}
	return p.cmd.Process.Signal(sig)
}

func (x *execTarget) Pause(_ context.Context, d string) error  { return x.signal(d, syscall.SIGSTOP) }
func (x *execTarget) Resume(_ context.Context, d string) error { return x.signal(d, syscall.SIGCONT) }

func (x *execTarget) Domains() []string                  { return x.cfg.Domains }
func (x *execTarget) Table() resolve.Table               { return x.table }
func (x *execTarget) PeerListener(d string) net.Listener { return x.peers[d] }
func (x *execTarget) Control() Control                   { return x }
func (x *execTarget) Logs(d string) string {
	if b, ok := x.logs[d]; ok {
		return b.tail(40)
	}
	return ""
}
func (x *execTarget) Target() results.Target {
	return results.Target{Kind: KindExec, Domains: x.cfg.Domains, Detail: map[string]string{"command": x.cfg.Command}}
}

// Close stops every process and proxy and removes the data.
func (x *execTarget) Close(ctx context.Context) error {
	var errs []error
	for _, d := range x.cfg.Domains {
		errs = append(errs, x.Stop(ctx, d))
	}
	errs = append(errs, x.proxies.close())
	for _, l := range x.peers {
		l.Close()
	}
	errs = append(errs, os.RemoveAll(x.dir))
	return errors.Join(errs...)
}
