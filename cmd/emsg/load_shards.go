package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/emsg-project/emsg/loadgen"
	"github.com/emsg-project/emsg/loadgen/results"
)

// runLocalShards runs the scenario as f.localShards processes of this
// binary, each one shard against target (as an external target), then
// merges their results exactly as `emsg load merge` does. The servers'
// resource use is read from the target the parent started.
func runLocalShards(ctx context.Context, stdout, stderr io.Writer, f loadFlags, sc loadgen.Scenario, target loadgen.Target, ths []results.Threshold) error {
	exe, err := os.Executable()
	if err != nil {
		return failf("local shards: %v", err)
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return failf("local shards: %v", err)
	}
	// The effective scenario (flags applied) as JSON, which is YAML.
	raw, err := json.MarshalIndent(sc, "", " ")
	if err != nil {
		return failf("local shards: %v", err)
	}
	scFile := filepath.Join(f.out, "scenario.json")
	if err := os.WriteFile(scFile, raw, 0o644); err != nil {
		return failf("local shards: %v", err)
	}
	n := f.localShards
	fmt.Fprintf(stdout, "load: %d shard processes against %s (%s)\n", n, target.Name(), target.Resolver())
	var cmds []*exec.Cmd
	for i := range n {
		progress := "none"
		if i == 0 {
			progress = "lines" // one shard speaks for all
		}
		cmd := exec.CommandContext(ctx, exe, "load", "--scenario", scFile, "--target", "external",
			"--resolve", target.Resolver().String(), "--shard", strconv.Itoa(i)+"/"+strconv.Itoa(n),
			"--out", f.out, "--progress", progress, "--posters", strconv.Itoa(max(8, f.posters/n)),
			"--verify="+strconv.FormatBool(f.verify), "--setup-timeout", f.setupTimeout.String())
		// Interrupted, a shard stops its run and still writes its results.
		cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
		cmd.WaitDelay = 30 * time.Second
		cmd.Stdout, cmd.Stderr = io.Discard, stderr
		if i == 0 {
			cmd.Stdout = stdout
		}
		if err := cmd.Start(); err != nil {
			return failf("local shards: start shard %d: %v", i, err)
		}
		cmds = append(cmds, cmd)
	}
	var parts []*results.Results
	var firstErr error
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil && firstErr == nil {
			firstErr = fmt.Errorf("shard %d/%d: %w", i, n, err)
		}
		r, err := results.Read(filepath.Join(f.out, fmt.Sprintf("results-shard-%d-of-%d.json", i, n)))
		if err != nil {
			return failf("local shards: %v (shard exit: %v)", err, firstErr)
		}
		parts = append(parts, r)
	}
	merged, err := results.Merge(parts...)
	if err != nil {
		return failf("%v", err)
	}
	_ = target.Close()
	merged.Servers = target.Processes()
	merged.Target = target.Name()
	return finishLoad(stdout, f.out, loadgen.Shard{}, merged, ths, firstErr)
}
