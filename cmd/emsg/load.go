package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/emsg-project/emsg/loadgen"
	"github.com/emsg-project/emsg/loadgen/results"
	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reports/diff"
)

// `emsg report diff` compares load results by their own rules.
func init() {
	diff.Register(results.Kind, func(w io.Writer, old, cur []byte, f diff.Format) (bool, error) {
		return results.Diff(w, old, cur, string(f))
	})
}

// loadFlags are the options of `emsg load`.
type loadFlags struct {
	scenario, target, shard, out, progress, dataDir string
	resolve, command                                string
	images                                          []string
	thresholds                                      []string
	domains                                         []string
	users, posters, localShards                     int
	rate                                            float64
	duration, setupTimeout                          time.Duration
	seed                                            string
	knee, verify                                    bool
}

func newLoadCommand() *cobra.Command {
	var f loadFlags
	cmd := &cobra.Command{
		Use:   "load",
		Short: "Simulate users, domains and traffic against EMSG servers and measure latency and loss",
		Long: `load runs a workload (a scenario file, or the default: 3,000 users on three
domains, a minute at 100 messages/s, with group posts and sessions) against
the embedded reference deployment, reference servers spawned as processes,
any server started from a command template (exec) or an image (container)
per domain, or any deployment named by a resolver table. Messages are sent
at their scheduled times whatever the
servers' pace; latency counts from that intended time; every message is
accounted as delivered once, lost or duplicated. Results go to --out as
JSON, Markdown and a self-contained HTML report; thresholds set the exit
code. --shard i/N (or JOB_COMPLETION_INDEX and EMSG_SHARDS) runs one slice;
"emsg load merge" combines the shards' results exactly.`,
		Example: `  emsg load
  emsg load --scenario loadgen/scenarios/default.yaml --threshold 'p99<250ms' --threshold loss==0
  emsg load --target external --resolve a.test=10.0.0.1:7000,b.test=10.0.0.2:7000
  emsg load --target exec --command './myserver --domain {domain} --listen {listen} --data {data_dir}'
  emsg load --target container --image emsg-reference:dev
  emsg load --knee --target spawned
  emsg load --shard 0/4 --out results/ & ... ; emsg load merge results/results-shard-*.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runLoad(ctx, cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.scenario, "scenario", "", "a scenario file (YAML); the default scenario without one")
	fl.StringVar(&f.target, "target", "embedded", "embedded (servers in this process), spawned (one emsg serve process per domain), exec (--command), container (--image) or external (--resolve / EMSG_RESOLVE)")
	fl.StringVar(&f.command, "command", "", "exec: the command template, started once per domain ({domain} {listen} {resolve_file} {data_dir})")
	fl.StringSliceVar(&f.images, "image", nil, "container: the image, or one per domain in order")
	fl.StringVar(&f.shard, "shard", "", "run shard i of N (i/N); default from JOB_COMPLETION_INDEX and EMSG_SHARDS, else 0/1")
	fl.StringVar(&f.out, "out", "load-results", "directory for results JSON, summary.md and report.html")
	fl.StringVar(&f.progress, "progress", "auto", "auto, bars, lines or none")
	fl.StringVar(&f.dataDir, "data-dir", "", "server data for embedded, spawned and exec targets (default: a temporary directory, removed)")
	fl.StringArrayVar(&f.thresholds, "threshold", nil, "a pass/fail rule like p99<250ms or loss==0 (repeatable); a broken one exits 1")
	fl.StringSliceVar(&f.domains, "domains", nil, "override the scenario's domains")
	fl.IntVar(&f.users, "users-per-domain", 0, "override the scenario's users per domain")
	fl.Float64Var(&f.rate, "rate", 0, "override the stages: ramp to this many messages/s over a tenth of --duration, then hold")
	fl.DurationVar(&f.duration, "duration", 0, "with --rate, the length of the run")
	fl.StringVar(&f.seed, "seed", "", "override the scenario's seed")
	fl.BoolVar(&f.knee, "knee", false, "search the knee: raise the rate step by step until p99 passes 250ms or a message is lost")
	fl.BoolVar(&f.verify, "verify", true, "open and verify every envelope received, as a real client would")
	fl.IntVar(&f.posters, "posters", 256, "concurrent message posts")
	fl.DurationVar(&f.setupTimeout, "setup-timeout", 15*time.Minute, "bound on registration, logins and the contact handshake")
	fl.IntVar(&f.localShards, "local-shards", 0, "run N shards as separate processes of this binary against the target, then merge (for more users than one process's 20,000 open files)")
	fl.StringVar(&f.resolve, "resolve", "", "resolver table for --target external, like a.test=127.0.0.1:7001,b.test=... (default EMSG_RESOLVE)")
	cmd.AddCommand(newLoadMergeCommand())
	return cmd
}

// runLoad is `emsg load`.
func runLoad(ctx context.Context, stdout, stderr io.Writer, f loadFlags) error {
	sc, err := loadScenario(f)
	if err != nil {
		return usagef("the scenario format is in loadgen/README.md", "%v", err)
	}
	shard, err := loadShard(f.shard)
	if err != nil {
		return usagef("shards count from 0: --shard 0/4 … --shard 3/4", "%v", err)
	}
	ths, err := parseThresholds(f.thresholds)
	if err != nil {
		return usagef("thresholds look like p99<250ms, loss==0, dup==0, errors<=10", "%v", err)
	}
	switch {
	case f.target == "exec" && f.command == "":
		return usagef("--command './server --domain {domain} --listen {listen} --data {data_dir}'", "target exec needs a command template")
	case f.target == "container" && len(f.images) == 0:
		return usagef("make image builds the reference's: --image emsg-reference:dev", "target container needs an image")
	}
	target, cleanup, err := startTarget(f, sc)
	if err != nil {
		return failf("%v", err)
	}
	defer cleanup()
	defer target.Close() // again after the explicit Close below: stops spawned servers on every path
	if f.localShards > 0 {
		return runLocalShards(ctx, stdout, stderr, f, sc, target, ths)
	}
	disp, err := loadgen.NewDisplay(stderr, f.progress, sc.Duration())
	if err != nil {
		return usagef("--progress auto, bars, lines or none", "%v", err)
	}
	r, err := loadgen.NewRunner(sc, target.Resolver(), loadgen.Options{Shard: shard, Target: target.Name(),
		Posters: f.posters, Verify: f.verify, SetupTimeout: f.setupTimeout, Progress: disp.Update, Servers: target.Processes})
	if err != nil {
		return usagef("check the scenario against the resolver table", "%v", err)
	}
	fmt.Fprintf(stdout, "load: %s: %d users on %d domains, shard %s, %d messages scheduled over %v, target %s\n",
		sc.Name, sc.Users(), len(sc.Domains), shard, len(r.Schedule().Messages), sc.Duration(), target.Name())
	res, runErr := r.Run(ctx)
	disp.Close()
	_ = target.Close()
	res.Servers = target.Processes()
	return finishLoad(stdout, f.out, shard, res, ths, runErr)
}

// finishLoad writes the results and judges them.
func finishLoad(stdout io.Writer, dir string, shard loadgen.Shard, res *results.Results, ths []results.Threshold, runErr error) error {
	name := "results.json"
	if shard.Count > 1 {
		name = fmt.Sprintf("results-shard-%d-of-%d.json", shard.Index, shard.Count)
	}
	var broken error
	if !res.Partial() {
		broken = results.CheckAll(res, ths)
	}
	if err := writeLoadReports(dir, name, res, broken); err != nil {
		return failf("%v", err)
	}
	fmt.Fprintln(stdout, results.Verdict(res, broken))
	fmt.Fprintf(stdout, "load: results in %s\n", filepath.Join(dir, name))
	switch {
	case runErr != nil:
		return failf("load run: %v", runErr)
	case res.Partial():
		return nil // the merge judges
	case !res.Ledger.Clean():
		return failf("%d messages lost and %d duplicated", res.Ledger.Lost, res.Ledger.Duplicated)
	case broken != nil:
		return failf("%v", broken)
	}
	return nil
}

// writeLoadReports writes the results JSON, summary.md and report.html.
func writeLoadReports(dir, name string, res *results.Results, broken error) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	if err := res.Write(filepath.Join(dir, name)); err != nil {
		return err
	}
	base := ""
	if name != "results.json" {
		base = name[len("results-") : len(name)-len(".json")]
		base += "-"
	}
	for file, write := range map[string]func(io.Writer, *results.Results, error) error{
		base + "summary.md": results.WriteMarkdown, base + "report.html": results.WriteHTML} {
		fh, err := os.Create(filepath.Join(dir, file))
		if err != nil {
			return fmt.Errorf("write report: %w", err)
		}
		err = write(fh, res, broken)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// loadScenario reads the scenario and applies the overriding flags.
func loadScenario(f loadFlags) (loadgen.Scenario, error) {
	sc := loadgen.DefaultScenario()
	var err error
	if f.scenario != "" {
		if sc, err = loadgen.LoadScenario(f.scenario); err != nil {
			return sc, err
		}
	}
	if len(f.domains) > 0 {
		sc.Domains = f.domains
	}
	if f.users > 0 {
		sc.UsersPerDomain = f.users
	}
	if f.seed != "" {
		sc.Seed = f.seed
	}
	if f.rate > 0 {
		d := f.duration
		if d == 0 {
			d = time.Minute
		}
		sc.Stages = []loadgen.Stage{{Duration: loadgen.Duration(d / 10), Rate: f.rate}, {Duration: loadgen.Duration(d - d/10), Rate: f.rate, Hold: true}}
	}
	if f.knee && sc.Step == nil {
		sc.Step = &loadgen.Step{Start: 50, Factor: 1.5, Every: loadgen.Duration(10 * time.Second), Max: 5000,
			SLO: loadgen.Duration(250 * time.Millisecond), LossBudget: 0}
	}
	return sc, sc.Check()
}

// loadShard reads --shard, or JOB_COMPLETION_INDEX (a Kubernetes Indexed
// Job's pod index) with EMSG_SHARDS.
func loadShard(flag string) (loadgen.Shard, error) {
	if flag != "" {
		return loadgen.ParseShard(flag)
	}
	idx, n := os.Getenv("JOB_COMPLETION_INDEX"), os.Getenv("EMSG_SHARDS")
	if idx == "" && n == "" {
		return loadgen.Shard{Index: 0, Count: 1}, nil
	}
	if _, err := strconv.Atoi(n); err != nil {
		return loadgen.Shard{}, fmt.Errorf("JOB_COMPLETION_INDEX=%q needs EMSG_SHARDS, the shard count", idx)
	}
	return loadgen.ParseShard(idx + "/" + n)
}

func parseThresholds(ss []string) ([]results.Threshold, error) {
	var out []results.Threshold
	for _, s := range ss {
		t, err := results.ParseThreshold(s)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// startTarget starts or names the deployment under load.
func startTarget(f loadFlags, sc loadgen.Scenario) (loadgen.Target, func(), error) {
	switch {
	case f.target == "container":
		t, err := loadgen.StartContainers(context.Background(), f.images, sc.Domains)
		return t, func() {}, err
	}
	if f.target == "external" {
		table, err := resolve.FromEnv(os.Getenv)
		if f.resolve != "" {
			table, err = resolve.Parse(f.resolve)
		}
		if err == nil && table.Len() == 0 {
			err = fmt.Errorf("target external: no resolver table: give --resolve or EMSG_RESOLVE")
		}
		if err != nil {
			return nil, nil, err
		}
		return loadgen.External(table), func() {}, nil
	}
	dir, cleanup := f.dataDir, func() {}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "emsg-load-")
		if err != nil {
			return nil, nil, err
		}
		dir, cleanup = tmp, func() { _ = os.RemoveAll(tmp) }
	}
	var t loadgen.Target
	var err error
	switch f.target {
	case "embedded":
		t, err = loadgen.StartEmbedded(sc.Domains, dir)
	case "spawned":
		exe, eerr := os.Executable()
		if eerr != nil {
			return nil, nil, eerr
		}
		t, err = loadgen.StartSpawned(exe, sc.Domains, dir, nil)
	case "exec":
		t, err = loadgen.StartExec(f.command, sc.Domains, dir, nil)
	default:
		err = fmt.Errorf("target %q: want embedded, spawned, exec, container or external", f.target)
	}
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return t, cleanup, nil
}

func newLoadMergeCommand() *cobra.Command {
	var out string
	var thresholds []string
	cmd := &cobra.Command{
		Use:   "merge RESULTS.json...",
		Short: "Merge the results of a sharded load run into one exact result",
		Long: `merge combines the shards' results of one load run: HDR histograms add count by
count (exact global percentiles), and the delivery ledger matches every
message sent by one shard with its arrival at another. It writes
results.json, summary.md and report.html to --out and applies thresholds.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ths, err := parseThresholds(thresholds)
			if err != nil {
				return usagef("thresholds look like p99<250ms, loss==0", "%v", err)
			}
			var parts []*results.Results
			for _, a := range args {
				r, err := results.Read(a)
				if err != nil {
					return failf("%v", err)
				}
				parts = append(parts, r)
			}
			merged, err := results.Merge(parts...)
			if err != nil {
				return failf("%v", err)
			}
			return finishLoad(cmd.OutOrStdout(), out, loadgen.Shard{}, merged, ths, nil)
		},
	}
	cmd.Flags().StringVar(&out, "out", "load-results", "directory for the merged results.json, summary.md and report.html")
	cmd.Flags().StringArrayVar(&thresholds, "threshold", nil, "a pass/fail rule like p99<250ms or loss==0 (repeatable)")
	return cmd
}
