package runner

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reports/results"
)

// TestBrokenServers shows the suites are not vacuous: against a reference
// broken in one behaviour (one breakage per suite), the cases that check
// that behaviour fail, for the stated reason. Each run is a subprocess
// (Ginkgo runs one suite per process).
func TestBrokenServers(t *testing.T) {
	if os.Getenv(breakEnv) != "" {
		t.Skip("inside a subprocess run")
	}
	names := make([]string, 0, len(breakages))
	for name := range breakages {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := breakages[name]
			run := runSubprocess(t, name, map[string]string{focusEnv: b.focus})
			byID := map[string]results.Case{}
			for _, c := range run.Cases {
				byID[c.ID] = c
			}
			for id, fragment := range b.mustFail {
				c, ok := byID[id]
				switch {
				case !ok:
					t.Errorf("no case %s in the run", id)
				case c.Verdict != results.Fail:
					t.Errorf("%s: got %s, want fail: the breakage went unnoticed", id, c.Verdict)
				case !strings.Contains(c.Reason, fragment):
					t.Errorf("%s failed for another reason: %q, want one mentioning %q", id, c.Reason, fragment)
				case len(c.Evidence.Wire) == 0:
					t.Errorf("%s: no wire evidence", id)
				}
			}
		})
	}
}

// runSubprocess runs TestSuites in a subprocess, with breakage name (if
// not "") and the extra environment, and reads its results.
func runSubprocess(t *testing.T, name string, extra map[string]string) results.Run {
	t.Helper()
	out := filepath.Join(t.TempDir(), "results.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestSuites$", "-test.count=1")
	cmd.Env = append(os.Environ(), breakEnv+"="+name, outEnv+"="+out)
	for k, v := range extra {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if log, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("subprocess run of %s: %v\n%s", name, err, log)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var run results.Run
	if err := json.Unmarshal(raw, &run); err != nil {
		t.Fatal(err)
	}
	return run
}
