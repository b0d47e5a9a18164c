package harness

import (
	"context"
	"fmt"
	"maps"
	"syscall"
	"time"

	"github.com/emsg-project/emsg/internal/launch"
)

// Launch runs the command template once more for spec.Domain and waits
// until the process either answers its health check (it started) or
// exits (it refused), within the health timeout.
func (x *execTarget) Launch(ctx context.Context, spec LaunchSpec) (*Launched, error) {
	data, file, err := writeLaunchFiles(x.dir, spec)
	if err != nil {
		return nil, err
	}
	listen, err := launch.FreePort()
	if err != nil {
		return nil, fmt.Errorf("launch %s: %w", spec.Domain, err)
	}
	settings := x.cfg.ServerSettings() // the run's short timers, then the case's own
	maps.Copy(settings, spec.Settings)
	srv := launch.Server{Domain: spec.Domain, Listen: listen, ResolveFile: file, DataDir: data, Resolve: spec.Resolve, Settings: settings}
	cmd := srv.Command(x.cfg.Command)
	out := &logBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("launch %s: %q: %w", spec.Domain, srv.Expand(x.cfg.Command), err)
	}
	p := &process{cmd: cmd, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	return x.outcome(ctx, spec.Domain, listen, p, out)
}

// outcome waits for the launched process to start or exit.
func (x *execTarget) outcome(ctx context.Context, domain, listen string, p *process, out *logBuffer) (*Launched, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	healthy := make(chan error, 1)
	go func() { healthy <- waitHealthy(ctx, domain, listen, x.cfg.Scale(healthTimeout)) }()
	select {
	case err := <-p.done:
		return &Launched{Refused: true, Output: fmt.Sprintf("%s\n(%v)", out.tail(40), exitText(err))}, nil
	case err := <-healthy:
		if err != nil {
			_ = stopProcess(p, 0)
			return nil, fmt.Errorf("launch %s: neither started nor refused: %w\n%s", domain, err, out.tail(20))
		}
		return &Launched{Addr: listen, stop: func(context.Context) error { return stopProcess(p, x.cfg.Scale(stopGrace)) }}, nil
	}
}

// exitText describes how a process ended.
func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// stopProcess sends SIGTERM and waits, killing the process after grace.
func stopProcess(p *process, grace time.Duration) error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return nil
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("launched process did not stop within %v of SIGTERM; killed", grace)
	}
}
