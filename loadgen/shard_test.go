package loadgen

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/emsg-project/emsg/loadgen/results"
	"github.com/emsg-project/emsg/reference/resolve"
)

// Environment of a shard child process (this test binary run again).
const (
	childShardEnv = "EMSG_LOADGEN_TEST_SHARD" // i/N
	childOutEnv   = "EMSG_LOADGEN_TEST_OUT"   // the results file to write
)

// TestMain runs one shard and exits when started as a child by
// TestShardsMergeToOneProcess.
func TestMain(m *testing.M) {
	if os.Getenv(childShardEnv) != "" {
		if err := runChildShard(); err != nil {
			fmt.Fprintln(os.Stderr, "shard child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runChildShard() error {
	shard, err := ParseShard(os.Getenv(childShardEnv))
	if err != nil {
		return err
	}
	table, err := resolve.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	r, err := NewRunner(shardScenario(), table, Options{Shard: shard, Target: "embedded", Posters: 16, Setup: 8})
	if err != nil {
		return err
	}
	res, err := r.Run(context.Background())
	if err != nil {
		return err
	}
	return res.Write(os.Getenv(childOutEnv))
}

// shardScenario is the small scenario of the shard test, with churn so
// that some messages queue for offline users.
func shardScenario() Scenario {
	sc := smallScenario()
	sc.Seed = "shards"
	sc.Online = Online{Fraction: 0.8, Churn: Duration(2e9)}
	return sc
}

// TestShardsMergeToOneProcess runs the scenario as 4 shard processes
// against one deployment, merges their results, and wants the same ledger
// and histogram counts as the scenario run as one process against another.
func TestShardsMergeToOneProcess(t *testing.T) {
	const shards = 4
	sc := shardScenario()
	dir := t.TempDir()
	tg, err := StartEmbedded(sc.Domains, filepath.Join(dir, "sharded"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tg.Close() })
	var cmds []*exec.Cmd
	var files []string
	for i := range shards {
		out := filepath.Join(dir, fmt.Sprintf("shard-%d.json", i))
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childShardEnv+"="+fmt.Sprintf("%d/%d", i, shards), childOutEnv+"="+out, "EMSG_RESOLVE="+tg.Resolver().String())
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, files = append(cmds, cmd), append(files, out)
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }) // after a failure, before the servers stop
	}
	var parts []*results.Results
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		p, err := results.Read(files[i])
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, p)
	}
	merged, err := results.Merge(parts...)
	if err != nil {
		t.Fatal(err)
	}

	one, err := StartEmbedded(sc.Domains, filepath.Join(dir, "single"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = one.Close() })
	r, err := NewRunner(sc, one.Resolver(), Options{Posters: 16, Setup: 8, Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	single, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("merged: %+v; single: %+v", merged.Ledger, single.Ledger)
	if merged.Ledger != single.Ledger {
		t.Errorf("merged ledger %+v, want the single process's %+v", merged.Ledger, single.Ledger)
	}
	for _, c := range Classes {
		m, s := merged.Ledgers[string(c)], single.Ledgers[string(c)]
		t.Logf("class %s: %d messages, ledger %+v", c, single.Messages[string(c)], s)
		if m != s || merged.Messages[string(c)] != single.Messages[string(c)] {
			t.Errorf("class %s: merged ledger %+v (%d messages), want the single process's %+v (%d)", c, m, merged.Messages[string(c)], s, single.Messages[string(c)])
		}
		if s.Delivered == 0 {
			t.Errorf("class %s: nothing delivered: the scenario should exercise every class", c)
		}
	}
	t.Logf("sessions: merged %+v, single %+v; groups: merged %+v", merged.Sessions, single.Sessions, merged.Groups)
	for name, s := range map[string]results.Sessions{"merged": merged.Sessions, "single": single.Sessions} {
		if s.Opened == 0 || s.OnSocket+s.SentOnSocket == 0 {
			t.Errorf("%s: sessions %+v: want sockets opened and messages carried on them", name, s)
		}
	}
	if g := merged.Groups; g.Created != g.Count || g.Invited+g.Count != g.Memberships || g.Joined != g.Invited {
		t.Errorf("merged groups %+v: want every group created once, every other member invited and joined once", g)
	}
	if !single.Ledger.Clean() || single.Ledger.Delivered == 0 || single.Ledger.Delivered != single.Ledger.Scheduled || len(single.Errors) != 0 {
		t.Errorf("single-process ledger %+v, errors %v: want every scheduled message delivered once, no errors", single.Ledger, single.Errors)
	}
	if single.Crypto.Opened != int64(single.Ledger.Delivered) {
		t.Errorf("opened and verified %d envelopes, want every delivery (%d)", single.Crypto.Opened, single.Ledger.Delivered)
	}
	for _, c := range Classes {
		if m, s := merged.Latency[string(c)].Count(), single.Latency[string(c)].Count(); m != s {
			t.Errorf("class %s: merged histogram holds %d latencies, the single process's %d", c, m, s)
		}
	}
	if got := len(merged.Shards); got != shards {
		t.Errorf("merged shards %v, want %d", merged.Shards, shards)
	}
}
