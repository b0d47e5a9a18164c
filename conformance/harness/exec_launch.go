package harness

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// commandLine fills in the exec target's placeholders.
func commandLine(template, domain, listen, resolveFile, dataDir, adminKeys string) string {
	return strings.NewReplacer("{domain}", domain, "{listen}", listen, "{resolve_file}", resolveFile, "{data_dir}", dataDir,
		"{admin_keys}", adminKeys).Replace(template)
}

// launchEnv is the environment of a launched process: this process's,
// less the variables the launch decides, plus those it sets.
func launchEnv(set map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "EMSG_RESOLVE", "EMSG_RESOLVE_FILE", "EMSG_ADMIN_KEYS", "EMSG_DOMAIN", "EMSG_LISTEN", "EMSG_DATA_DIR":
			continue
		}
		env = append(env, kv)
	}
	for k, v := range set {
		env = append(env, k+"="+v)
	}
	return env
}

// Launch runs the command template once more for spec.Domain and waits
// until the process either answers its health check (it started) or
// exits (it refused), within the health timeout.
func (x *execTarget) Launch(ctx context.Context, spec LaunchSpec) (*Launched, error) {
	data, file, err := writeLaunchFiles(x.dir, spec)
	if err != nil {
		return nil, err
	}
	listen, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("launch %s: %w", spec.Domain, err)
	}
	set := maps.Clone(spec.Settings)
	if set == nil {
		set = map[string]string{}
	}
	maps.Copy(set, map[string]string{"EMSG_DOMAIN": spec.Domain, "EMSG_LISTEN": listen, "EMSG_RESOLVE_FILE": file, "EMSG_DATA_DIR": data})
	if spec.Resolve != "" {
		set["EMSG_RESOLVE"] = spec.Resolve
	}
	line := commandLine(x.cfg.Command, spec.Domain, listen, file, data, "")
	cmd := exec.Command("/bin/sh", "-c", "exec "+line)
	cmd.Env = launchEnv(set)
	out := &logBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("launch %s: %q: %w", spec.Domain, line, err)
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
