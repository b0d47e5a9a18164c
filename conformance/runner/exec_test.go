package runner

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/emsg-project/emsg/reports/results"
)

// TestExecTarget runs the suites against the reference started as a
// command once per domain (the exec target), as an implementer without a
// container would: `emsg serve` built into a binary, the servers' domain,
// listen address, resolver file, data directory, operator key and short
// timers given through the environment the harness sets. The specs that
// stop, restart, pause and cut off a domain do it with signals and the
// loopback proxies.
func TestExecTarget(t *testing.T) {
	if os.Getenv(breakEnv) != "" || os.Getenv(outEnv) != "" {
		t.Skip("inside a subprocess run")
	}
	if testing.Short() {
		t.Skip("-short: builds the emsg binary and runs every suite")
	}
	bin := filepath.Join(t.TempDir(), "emsg")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/emsg").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := runSubprocess(t, "", map[string]string{"EMSG_CONFORM_TARGET": "exec", "EMSG_CONFORM_COMMAND": bin + " serve",
		expectationsVar: "../expectations/reference.yaml", procsEnv: "2"})
	passed, skipped := 0, 0
	for _, c := range run.Cases {
		switch c.Verdict {
		case results.Fail, results.UnexpectedPass, results.ExpectedFailure:
			t.Errorf("%s: %s: %s", c.ID, c.Verdict, c.Reason)
		case results.Pass:
			passed++
		case results.Skipped:
			skipped++
		}
	}
	if skipped > 0 {
		t.Errorf("%d cases skipped against the exec target; every case applies to it", skipped)
	}
	t.Logf("%d of %d cases passed against %s serve, one process per domain", passed, len(run.Cases), bin)
}
