package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyScenario is a second of traffic among ten users.
const tinyScenario = `name: tiny
seed: cli-test
domains: [a.test, b.test]
users_per_domain: 5
contacts: {count: 2, cross_domain: 0.5}
traffic: {burst: 2, think: 100ms}
stages: [{duration: 1s, rate: 20, hold: true}]
drain: 20s
`

// TestLoadCommand runs a tiny scenario against the embedded deployment,
// then merges its results: both write the three reports, and a threshold
// the run cannot meet exits 1.
func TestLoadCommand(t *testing.T) {
	dir := t.TempDir()
	sc := filepath.Join(dir, "tiny.yaml")
	if err := os.WriteFile(sc, []byte(tinyScenario), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "run")
	code, stdout, stderr := emsg(t, "load", "--scenario", sc, "--out", out, "--progress", "none", "--threshold", "loss==0", "--threshold", "p99<1us")
	if code != 1 || !strings.Contains(stderr, "threshold p99<1us broken") || !strings.Contains(stdout, "FAIL") {
		t.Fatalf("got exit %d\nstdout: %s\nstderr: %s\nwant 1 and the broken threshold", code, stdout, stderr)
	}
	for _, f := range []string{"results.json", "summary.md", "report.html"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("load wrote no %s: %v", f, err)
		}
	}
	merged := filepath.Join(dir, "merged")
	code, stdout, stderr = emsg(t, "load", "merge", "--out", merged, "--threshold", "loss==0", filepath.Join(out, "results.json"))
	if code != 0 || !strings.Contains(stdout, "PASS") {
		t.Fatalf("merge: got exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	code, _, stderr = emsg(t, "load", "--scenario", sc, "--shard", "4/4")
	if code != 2 || !strings.Contains(stderr, "shard") {
		t.Errorf("a bad shard: got exit %d, stderr %s; want 2", code, stderr)
	}
}
