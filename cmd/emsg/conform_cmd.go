package main

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/emsg-project/emsg/conformance/harness"
	"github.com/emsg-project/emsg/conformance/runner"
	"github.com/emsg-project/emsg/reports"
	"github.com/emsg-project/emsg/reports/results"
)

// conformFlags are the flags of `emsg conform`.
type conformFlags struct {
	target, command, resolveFile, expectations, reportDir, focus, implementation string
	operatorKey                                                                  string
	domains, images, suites, settings                                            []string
	timeouts                                                                     float64
	procs                                                                        int
	list, verbose, skipSelfCheck                                                 bool
}

func newConformCommand() *cobra.Command {
	var f conformFlags
	cmd := &cobra.Command{
		Use:   "conform",
		Short: "Run the conformance suites against a server (the in-process reference by default)",
		Long: `conform checks the embedded spec and the test vectors, then runs the
conformance suites (core, federation, groups, robustness, security) against the
target: the reference in-process on loopback (embedded, the default), a
command started once per domain (exec), an image per domain (container) or
servers already running (external). It prints a summary per suite and the
requirement coverage, writes the results to the report directory, and exits
1 if a MUST case failed.

Every flag has an EMSG_CONFORM_* environment variable (see
conformance/README.md); flags win.`,
		Example: `  emsg conform
  emsg conform --list
  emsg conform --target exec --command 'myserver --domain {domain} --listen {listen} --data {data_dir}'
  emsg conform --target container --image myserver:1.2
  emsg conform --suites core,security --expectations myserver.yaml --report-dir out/myserver`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runConform(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.target, "target", "", "embedded, exec, container or external (default embedded)")
	fl.StringSliceVar(&f.domains, "domains", nil, "the domains under test (default a.test,b.test,c.test)")
	fl.StringVar(&f.command, "command", "", "exec: the command template ({domain} {listen} {resolve_file} {data_dir} {admin_keys})")
	fl.StringSliceVar(&f.images, "image", nil, "container: the image, or one per domain in order")
	fl.StringVar(&f.resolveFile, "resolve-file", "", "external: the resolver table file of the running servers")
	fl.StringVar(&f.operatorKey, "operator-key", "", "external: the servers' operator key, ed25519:<id>=<base64url seed>, for the admin cases (skipped without it)")
	fl.StringSliceVar(&f.suites, "suites", nil, "the suites to run (default all: core,federation,groups,robustness,security)")
	fl.StringArrayVar(&f.settings, "setting", nil, "an EMSG_* setting for every server started, NAME=VALUE (repeatable; NAME= drops a default short timer)")
	fl.Float64Var(&f.timeouts, "timeout-multiplier", 0, "multiply every wait, for slow implementations (default 1)")
	fl.IntVar(&f.procs, "procs", 0, "how many processes run the cases side by side, each with its own deployment (default 4; 1 for an external target)")
	fl.StringVar(&f.expectations, "expectations", "", "the implementation's expectations file (known failures)")
	fl.StringVar(&f.reportDir, "report-dir", "out/conformance", "where the results are written")
	fl.StringVar(&f.focus, "focus", "", "run only the cases whose name matches this regexp")
	fl.StringVar(&f.implementation, "implementation", "", "the implementation's name in the report")
	fl.BoolVar(&f.list, "list", false, "print the catalogue of cases and run nothing")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "print every case as it runs")
	fl.BoolVar(&f.skipSelfCheck, "no-self-check", false, "skip the spec and test-vector self-checks")
	return cmd
}

// harnessConfig merges the flags over the environment.
func (f conformFlags) harnessConfig() (harness.Config, error) {
	c, err := harness.FromEnv(os.Getenv)
	if err != nil && f.target == "" {
		return c, usagef("see conformance/README.md for the EMSG_CONFORM_* variables", "%v", err)
	}
	if f.target != "" {
		c.Kind = f.target
	}
	if len(f.domains) > 0 {
		c.Domains = f.domains
	}
	if f.command != "" {
		c.Command = f.command
	}
	if len(f.images) > 0 {
		c.Images = f.images
	}
	if f.resolveFile != "" {
		c.ResolveFile = f.resolveFile
	}
	if f.timeouts != 0 {
		c.Timeouts = f.timeouts
	}
	if f.operatorKey != "" {
		op, err := harness.ParseOperator(f.operatorKey)
		if err != nil {
			return c, usagef("--operator-key is ed25519:<id>=<base64url 32-byte seed>", "%v", err)
		}
		c.Operator = op
	}
	if len(f.settings) > 0 {
		extra, err := harness.ParseSettings(f.settings)
		if err != nil {
			return c, usagef("--setting EMSG_NAME=value", "%v", err)
		}
		if c.Settings == nil {
			c.Settings = map[string]string{}
		}
		maps.Copy(c.Settings, extra)
	}
	if err := c.Check(); err != nil {
		return c, usagef("emsg conform --help shows the flags of each target", "%v", err)
	}
	return c, nil
}

func runConform(cmd *cobra.Command, f conformFlags) error {
	out := cmd.OutOrStdout()
	cfg, err := f.harnessConfig()
	if err != nil {
		return err
	}
	procs, err := f.procsFor(cfg)
	if err != nil {
		return err
	}
	opts := runner.Options{Target: cfg, Suites: f.suites, Focus: f.focus, Expectations: f.expectations,
		Verbose: f.verbose, Output: out, Procs: procs, Command: conformCommand, Implementation: results.Implementation{Name: f.implementation}}
	if runner.IsParallelProcess() { // started by the first process of a parallel run, which reports it
		if _, err := runner.Run(cmd.Context(), opts); err != nil && !errors.Is(err, runner.ErrNotReporter) {
			return failf("conformance run: %v", err)
		}
		return nil
	}
	if f.list {
		run, err := runner.Run(cmd.Context(), runner.Options{Target: cfg, Suites: f.suites, Focus: f.focus, List: true, Output: out})
		if err != nil {
			return failf("list cases: %v", err)
		}
		printCatalogue(out, run)
		return nil
	}
	fmt.Fprintf(out, "EMSG/1 conformance: target %s, domains %s\n\n", cfg.Kind, strings.Join(cfg.Domains, ", "))
	selfErr := error(nil)
	if !f.skipSelfCheck {
		selfErr = selfCheck(out)
	}
	run, err := runner.Run(cmd.Context(), opts)
	if err != nil {
		return failf("conformance run: %v", err)
	}
	fmt.Fprintln(out, "\n(Ginkgo's count above treats expected failures as failures; this summary applies the expectations file)")
	failed := printSummary(out, run)
	runner.Renderers = []runner.Renderer{runner.WriteJSON, reports.WriteRendered}
	if err := runner.WriteReports(f.reportDir, run); err != nil {
		return failf("%v", err)
	}
	fmt.Fprintf(out, "\nreports in %s: results.json, junit.xml, summary.md, report.html, badges/\n", f.reportDir)
	if selfErr != nil {
		return selfErr
	}
	if failed > 0 {
		return failf("%d MUST case(s) failed", failed)
	}
	return nil
}

// conformCommand is the command line that runs this conform run again
// (the other processes of a parallel run): nil for this process's own,
// which a test replaces by its test binary running that test alone.
var conformCommand []string

// defaultProcs is how many processes run the cases by default: the cases
// mostly wait (on deliveries, timers, quiet periods), so more processes
// than cores still shorten a run; each starts its own deployment.
const defaultProcs = 4

// procsFor is the number of processes of the run: --procs, then
// EMSG_CONFORM_PROCS, then the default (1 against servers already
// running, which every process would share).
func (f conformFlags) procsFor(cfg harness.Config) (int, error) {
	n := f.procs
	if v := os.Getenv("EMSG_CONFORM_PROCS"); n == 0 && v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			return 0, usagef("EMSG_CONFORM_PROCS is a number of processes, 1 or more", "EMSG_CONFORM_PROCS %q", v)
		}
	}
	switch {
	case n < 0:
		return 0, usagef("--procs is a number of processes, 1 or more", "--procs %d", n)
	case n > 0:
		return n, nil
	case cfg.Kind == harness.KindExternal:
		return 1, nil
	}
	return defaultProcs, nil
}

// selfCheck runs the spec's and the vectors' self-checks.
func selfCheck(out interface{ Write([]byte) (int, error) }) error {
	specErr := checkSpec(out)
	reports, err := checkVectors(nil)
	if err != nil {
		return err
	}
	printVectorReports(out, reports, false)
	fmt.Fprintln(out)
	if specErr != nil {
		return specErr
	}
	return vectorVerdict(reports)
}
