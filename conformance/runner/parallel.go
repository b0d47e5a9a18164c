package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// A parallel run is Options.Procs Ginkgo processes, as `ginkgo -p` runs
// them: this process is process 1 and hosts the run (parallel_host.go);
// it starts the others by running its own command line again
// (Options.Command) with their place in the run in [placeEnv]. Every
// process starts its own deployment of the target, so the cases of one
// never see another's servers, cut-offs or restarts, and takes the next
// spec from the host's shared counter until none is left; the Serial
// specs run last, on process 1 alone. Most of a run's time is cases
// waiting on timers and deliveries, so the processes overlap it.

// placeEnv carries a process's place in a parallel run:
// "<process>/<total>/<host address>/<random seed>".
const placeEnv = "EMSG_CONFORM_PARALLEL_PLACE"

// place is one process's place in a parallel run.
type place struct {
	proc, total int
	host        string
	seed        int64
}

func (p place) String() string {
	return fmt.Sprintf("%d/%d/%s/%d", p.proc, p.total, p.host, p.seed)
}

// IsParallelProcess reports whether this process is one that the first
// process of a parallel run started (it reports to that one and writes
// no report of its own).
func IsParallelProcess() bool {
	_, ok, _ := placeOf(os.Getenv(placeEnv))
	return ok
}

// placeOf parses [placeEnv] (ok false when unset).
func placeOf(v string) (place, bool, error) {
	if v == "" {
		return place{}, false, nil
	}
	parts := strings.Split(v, "/")
	if len(parts) != 4 {
		return place{}, false, fmt.Errorf("%s %q: want process/total/host/seed", placeEnv, v)
	}
	var p place
	var err1, err2, err3 error
	p.proc, err1 = strconv.Atoi(parts[0])
	p.total, err2 = strconv.Atoi(parts[1])
	p.host = parts[2]
	p.seed, err3 = strconv.ParseInt(parts[3], 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil || p.proc < 1 || p.proc > p.total {
		return place{}, false, fmt.Errorf("%s %q: want process/total/host/seed", placeEnv, v)
	}
	return p, true, nil
}

// apply makes s the configuration of the process at p: the host, and
// the seed every process must share (it orders the specs, and the
// counter's indices mean the same specs everywhere). Output is not
// intercepted: the processes' console is the host's reporter, and
// process 1 is also the host.
func (p place) apply(s types.SuiteConfig) types.SuiteConfig {
	s.ParallelProcess, s.ParallelTotal, s.ParallelHost = p.proc, p.total, p.host
	s.RandomSeed = p.seed
	s.OutputInterceptorMode = "none"
	return s
}

// team is process 1's side of a parallel run: the host and the other
// processes.
type team struct {
	host  *Host
	stop  func() error
	procs []*otherProc
	place place
}

// otherProc is one process process 1 started.
type otherProc struct {
	proc int
	cmd  *exec.Cmd
	out  *tail
	done chan struct{}
	err  error
}

// startTeam starts the host and the processes 2 to total, running
// command again with their place in the environment.
func startTeam(total int, command []string, reporterCfg types.ReporterConfig, output io.Writer, seed int64) (*team, error) {
	if len(command) == 0 {
		return nil, errors.New("a parallel run needs the command line that runs it again")
	}
	// Ginkgo's clients speak RPC unless this says HTTP; the host speaks RPC.
	os.Unsetenv("GINKGO_PARALLEL_PROTOCOL")
	h := newHost(total, reporters.NewDefaultReporter(reporterCfg, output), output)
	l, err := h.serve()
	if err != nil {
		return nil, fmt.Errorf("parallel host: %w", err)
	}
	t := &team{host: h, stop: sync.OnceValue(l.Close), place: place{proc: 1, total: total, host: l.Addr().String(), seed: seed}}
	for proc := 2; proc <= total; proc++ {
		p := t.place
		p.proc = proc
		o, err := startProc(proc, command, p)
		if err != nil {
			t.kill()
			return nil, err
		}
		h.registerAlive(proc, o.alive)
		t.procs = append(t.procs, o)
	}
	return t, nil
}

// startProc runs command as process proc of the run.
func startProc(proc int, command []string, p place) (*otherProc, error) {
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Env = append(os.Environ(), placeEnv+"="+p.String())
	o := &otherProc{proc: proc, cmd: cmd, out: &tail{max: 16 << 10}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = o.out, o.out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start parallel process %d (%s): %w", proc, command[0], err)
	}
	go func() {
		o.err = cmd.Wait()
		close(o.done)
	}()
	return o, nil
}

// alive reports whether the process still runs.
func (o *otherProc) alive() bool {
	select {
	case <-o.done:
		return false
	default:
		return true
	}
}

// wait waits for the other processes and stops the host; a process that
// failed is an error with the tail of its output.
func (t *team) wait(ctx context.Context) error {
	var errs []error
	for _, o := range t.procs {
		select {
		case <-o.done:
		case <-ctx.Done():
			t.kill()
			<-o.done
		}
		if o.err != nil {
			errs = append(errs, fmt.Errorf("parallel process %d: %w\n%s", o.proc, o.err, o.out.String()))
		}
	}
	errs = append(errs, t.stop())
	return errors.Join(errs...)
}

// kill ends the other processes (the run is abandoned) and stops the host.
func (t *team) kill() {
	for _, o := range t.procs {
		_ = o.cmd.Process.Kill()
	}
	_ = t.stop()
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if extra := t.buf.Len() - t.max; extra > 0 {
		t.buf.Next(extra)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
