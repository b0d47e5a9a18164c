package runner

import (
	"context"

	"encoding/json"
	"github.com/emsg-project/emsg/spec"
	"os"
	"testing"

	"github.com/emsg-project/emsg/conformance/harness"
	"github.com/emsg-project/emsg/reports/results"
)

// breakEnv names the breakage a subprocess run applies (broken_test.go);
// outEnv is where it writes its results.
const (
	breakEnv = "EMSG_CONFORM_TEST_BREAK"
	outEnv   = "EMSG_CONFORM_TEST_OUT"
	suiteEnv = "EMSG_CONFORM_TEST_SUITES"
)

// referenceExpectations lists the reference's known failures.
const referenceExpectations = "../expectations/reference.yaml"

// TestSuites runs every suite against the embedded reference, which must
// pass everything. Run as a subprocess by TestBrokenServers, it runs the
// suites against a deliberately broken reference instead and writes the
// results for the parent to judge.
func TestSuites(t *testing.T) {
	cfg := harness.Defaults()
	var suites []string
	if name := os.Getenv(breakEnv); name != "" {
		b, ok := breakages[name]
		if !ok {
			t.Fatalf("unknown breakage %q", name)
		}
		cfg.Middleware = map[string]harness.Middleware{b.domain: b.middleware}
		suites = b.suites
	}
	run, err := RunWith(context.Background(), &quietT{}, Options{Target: cfg, Suites: suites, Expectations: referenceExpectations})
	if err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv(outEnv); out != "" {
		raw, _ := json.Marshal(run)
		if err := os.WriteFile(out, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, c := range run.Cases {
		if c.Verdict == results.Fail || c.Verdict == results.UnexpectedPass || c.Verdict == results.NonStrict {
			t.Errorf("%s: %s: %s", c.ID, c.Verdict, c.Reason)
		}
	}
	t.Logf("%d cases in %d ms", len(run.Cases), run.Duration)
	checkCoverage(t)
}

// quietT lets the test judge the cases itself (a subprocess run against
// a broken server is expected to fail).
type quietT struct{}

func (quietT) Fail() {}

// profileOf is the catalogue profile of a requirement ID.
func profileOf(id string) string {
	r, _ := spec.RequirementByID(id)
	return string(r.Profile)
}
