package runner

import (
	"os"
	"testing"

	"github.com/emsg-project/emsg/reports/results"
)

// TestParallelRun runs some suites in three processes, each with its own
// embedded deployment: every selected case runs exactly once, whichever
// process ran it, and its wire evidence comes back to process 1 (from
// the others as JSON over the parallel host).
func TestParallelRun(t *testing.T) {
	if os.Getenv(outEnv) != "" {
		t.Skip("inside a subprocess run")
	}
	run := runSubprocess(t, "", map[string]string{procsEnv: "3", focusEnv: "Settings|Contacts|Signals"})
	ran := map[string]int{}
	for _, c := range run.Cases {
		if c.Verdict == results.Skipped {
			continue
		}
		ran[c.ID]++
		if c.Verdict != results.Pass {
			t.Errorf("%s: %s: %s", c.ID, c.Verdict, c.Reason)
		}
		if len(c.Evidence.Wire) == 0 {
			t.Errorf("%s: no wire evidence", c.ID)
		}
	}
	if len(ran) < 10 {
		t.Errorf("%d cases ran, want the focused ones (10 or more)", len(ran))
	}
	if len(run.Cases) != len(ran)+countSkipped(run) {
		t.Errorf("%d cases reported, %d distinct ran: a case ran twice", len(run.Cases), len(ran))
	}
}

func countSkipped(run results.Run) int {
	n := 0
	for _, c := range run.Cases {
		if c.Verdict == results.Skipped {
			n++
		}
	}
	return n
}
