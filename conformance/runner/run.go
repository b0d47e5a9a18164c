package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
	"github.com/emsg-project/emsg/conformance/harness"
	"github.com/emsg-project/emsg/conformance/suites"
	"github.com/emsg-project/emsg/reports/results"
)

// Options say what one run checks and where its results go.
type Options struct {
	Target harness.Config
	// Suites are the suites to run (core, federation, robustness,
	// security); none means all.
	Suites []string
	// Focus, if set, runs only the cases whose text matches it (a regexp).
	Focus string
	// Expectations is the path of the implementation's expectations file.
	Expectations string
	// Implementation names what is checked in the results.
	Implementation results.Implementation
	// List runs nothing: Ginkgo walks the tree (a dry run) so the cases
	// are known, and every case comes back skipped.
	List bool
	// Verbose lets Ginkgo print every spec as it runs.
	Verbose bool
	// Output is where Ginkgo's console reporter writes (progress) in a
	// parallel run; a serial one writes to stdout.
	Output io.Writer
	// Procs is how many processes run the cases side by side, each with
	// its own deployment of the target (parallel.go); 0 or 1 runs them in
	// this process alone. Not with List.
	Procs int
	// Command is the command line that runs this same run again, for the
	// other processes of a parallel run: os.Args unless set (a test
	// binary names the one test that runs the suites).
	Command []string
}

// ErrNotReporter is returned by the processes of a parallel Ginkgo run
// (ginkgo -p) other than the first, which alone receives the whole report.
var ErrNotReporter = errors.New("a parallel process other than the first: the first reports the run")

// lastReport is Ginkgo's report of the run, captured after the suite.
var lastReport *types.Report

var _ = ReportAfterSuite("emsg results", func(r Report) { lastReport = &r })

// testingT is the GinkgoTestingT of a run outside `go test`.
type testingT struct{ failed bool }

func (t *testingT) Fail() { t.failed = true }

// Run runs the suites once (Ginkgo allows one run per process) against
// the target of opts and returns the results.
func Run(ctx context.Context, opts Options) (results.Run, error) {
	return RunWith(ctx, &testingT{}, opts)
}

// RunWith is Run with the caller's GinkgoTestingT (a *testing.T in the
// suites' own tests).
func RunWith(ctx context.Context, t GinkgoTestingT, opts Options) (results.Run, error) {
	run := results.Run{Kind: results.KindConformance, Format: results.FormatVersion, Implementation: opts.Implementation,
		Started: time.Now().UTC(), Profiles: selected(opts.Suites)}
	exp, err := LoadExpectations(opts.Expectations)
	if err != nil {
		return run, err
	}
	if run.Implementation.Name == "" {
		run.Implementation.Name = exp.Implementation
	}
	suiteCfg, reporterCfg := ginkgoConfig(opts)
	var tm *team
	switch p, ok, err := placeOf(os.Getenv(placeEnv)); {
	case err != nil:
		return run, err
	case ok: // started by process 1 of a parallel run
		suiteCfg = p.apply(suiteCfg)
	case opts.Procs > 1 && !opts.List:
		command, err := commandOf(opts)
		if err != nil {
			return run, err
		}
		if tm, err = startTeam(opts.Procs, command, reporterCfg, outputOf(opts), suiteCfg.RandomSeed); err != nil {
			return run, err
		}
		defer tm.kill()
		suiteCfg = tm.place.apply(suiteCfg)
	}
	serverLog := func() string { return "" }
	if !opts.List {
		dep, stop, err := start(ctx, opts.Target)
		if err != nil {
			return run, err
		}
		defer stop()
		run.Target = dep.Target()
		serverLog = func() string { return strings.Join(logsOf(dep), "\n") }
	} else {
		run.Target = results.Target{Kind: opts.Target.Kind, Domains: opts.Target.Domains}
	}
	gomega.RegisterFailHandler(Fail)
	gomega.EnforceDefaultTimeoutsWhenUsingContexts()
	gomega.SetDefaultEventuallyTimeout(opts.Target.Scale(5 * time.Second))
	gomega.SetDefaultConsistentlyDuration(opts.Target.Scale(300 * time.Millisecond))
	RunSpecs(t, "EMSG/1 conformance", suiteCfg, reporterCfg)
	run.Duration = results.MillisOf(time.Since(run.Started))
	if tm != nil {
		if err := tm.wait(ctx); err != nil {
			return run, err
		}
	}
	if lastReport == nil && suiteCfg.ParallelProcess > 1 {
		return run, ErrNotReporter
	}
	if lastReport == nil {
		return run, fmt.Errorf("ginkgo produced no report")
	}
	for _, sr := range lastReport.SpecReports {
		if c, ok := caseOf(sr, exp, serverLog); ok {
			if opts.List { // a dry run: Ginkgo calls every spec passed
				c.Verdict, c.Reason = results.Skipped, "listed, not run"
			}
			run.Cases = append(run.Cases, c)
		}
	}
	return run, nil
}

// start starts the target and the fake peer and hands them to the suites.
func start(ctx context.Context, cfg harness.Config) (harness.Deployment, func(), error) {
	cfg, err := cfg.WithOperator() // before Start, so that the suites know the key the servers get
	if err != nil {
		return nil, nil, fmt.Errorf("start target: %w", err)
	}
	dep, err := harness.Start(ctx, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("start target: %w", err)
	}
	e := &suites.Env{Deployment: dep, Config: cfg}
	for _, d := range cfg.Peers {
		l := dep.PeerListener(d)
		if l == nil {
			continue
		}
		peer, err := fakepeer.New(d, dep.Table())
		if err != nil {
			_ = dep.Close(ctx)
			return nil, nil, err
		}
		peer.Serve(l)
		e.Peers = append(e.Peers, peer)
	}
	if len(e.Peers) > 0 {
		e.Peer = e.Peers[0]
	}
	suites.Use(e)
	return dep, func() {
		for _, p := range e.Peers {
			_ = p.Close()
		}
		c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := dep.Close(c); err != nil {
			fmt.Fprintf(os.Stderr, "emsg: conform: stop target: %v\n", err)
		}
	}, nil
}

// commandOf is the command line of the other processes of a parallel run.
// A test binary's own command line would run every test of its package
// again in each process: under go test, Options.Command must name the
// one test that runs the suites.
func commandOf(opts Options) ([]string, error) {
	if len(opts.Command) > 0 {
		return opts.Command, nil
	}
	if testing.Testing() {
		return nil, errors.New("a parallel run under go test needs Options.Command, the test binary running only the test that runs the suites")
	}
	return os.Args, nil
}

// outputOf is where the console of a parallel run goes.
func outputOf(opts Options) io.Writer {
	if opts.Output != nil {
		return opts.Output
	}
	return os.Stdout
}

// logsOf collects the servers' log excerpts.
func logsOf(dep harness.Deployment) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range dep.Domains() {
		l := dep.Logs(d)
		if l != "" && !seen[l] {
			seen[l] = true
			out = append(out, "== "+d+"\n"+l)
		}
	}
	return out
}

// ginkgoConfig is Ginkgo's configuration (as its flags set it, under
// `go test`) with the run's filter and output.
func ginkgoConfig(opts Options) (types.SuiteConfig, types.ReporterConfig) {
	s, r := GinkgoConfiguration()
	if f := labelFilter(opts.Suites); f != "" {
		if s.LabelFilter != "" {
			f = "(" + s.LabelFilter + ") && (" + f + ")"
		}
		s.LabelFilter = f
	}
	if opts.Focus != "" {
		s.FocusStrings = append(s.FocusStrings, opts.Focus)
	}
	s.DryRun = s.DryRun || opts.List
	s.Timeout = opts.Target.Scale(10 * time.Minute)
	if opts.Verbose {
		r.Verbose = true
	} else if !r.Verbose && !r.VeryVerbose {
		r.Succinct = true
	}
	if !isTerminal(os.Stdout) {
		r.NoColor = true
	}
	return s, r
}

// labelFilter selects the suites by their labels.
func labelFilter(names []string) string {
	return strings.Join(names, " || ")
}

// selected lists the suites a run selects.
func selected(names []string) []string {
	if len(names) > 0 {
		return names
	}
	var out []string
	for _, s := range suites.Suites() {
		out = append(out, string(s))
	}
	return out
}

// isTerminal reports whether f is a character device (a terminal), where
// Ginkgo's colours help; in a log file they are noise.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
