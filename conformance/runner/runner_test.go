package runner

import (
	"context"
	"errors"

	"encoding/json"
	"github.com/emsg-project/emsg/spec"
	"os"
	"strconv"
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
	listEnv  = "EMSG_CONFORM_TEST_LIST"
	focusEnv = "EMSG_CONFORM_TEST_FOCUS"
	// procsEnv runs the suites in that many processes (parallel.go).
	procsEnv = "EMSG_CONFORM_PROCS"
)

// referenceExpectations lists the reference's known failures.
const referenceExpectations = "../expectations/reference.yaml"

// TestSuites runs every suite against the embedded reference, which must
// pass everything. Run as a subprocess by TestBrokenServers, it runs the
// suites against a deliberately broken reference instead and writes the
// results for the parent to judge.
//
// The target comes from the EMSG_CONFORM_* variables (embedded by
// default), so `EMSG_CONFORM_TARGET=exec EMSG_CONFORM_COMMAND=... go test
// ./conformance/runner -run TestSuites` checks another implementation.
func TestSuites(t *testing.T) {
	cfg, err := harness.FromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	var suites []string
	if name := os.Getenv(breakEnv); name != "" {
		b, ok := breakages[name]
		if !ok {
			t.Fatalf("unknown breakage %q", name)
		}
		cfg.Middleware = map[string]harness.Middleware{b.domain: b.middleware}
		suites = b.suites
	}
	list := os.Getenv(listEnv) == "1"
	procs, _ := strconv.Atoi(os.Getenv(procsEnv))
	run, err := RunWith(context.Background(), &quietT{}, Options{Target: cfg, Suites: suites, Expectations: expectationsFile(),
		List: list, Focus: os.Getenv(focusEnv), Procs: procs, Command: []string{os.Args[0], "-test.run=^TestSuites$", "-test.count=1"}})
	if errors.Is(err, ErrNotReporter) {
		return // ginkgo -p: process 1 judges the whole run
	}
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

// TestListRunsNothing checks the catalogue (`emsg conform --list`): a dry
// run lists every case with its requirements and runs none.
func TestListRunsNothing(t *testing.T) {
	if os.Getenv(outEnv) != "" {
		t.Skip("inside a subprocess run")
	}
	run := runSubprocess(t, "", map[string]string{listEnv: "1"})
	if len(run.Cases) < 50 {
		t.Fatalf("got %d cases, want the whole catalogue", len(run.Cases))
	}
	for _, c := range run.Cases {
		if c.Verdict != results.Skipped || len(c.Requirements) == 0 || c.Level == "" || len(c.Evidence.Wire) > 0 {
			t.Errorf("%s: %s, %d requirements, level %q, %d wire entries: want a skipped, labelled case that sent nothing",
				c.ID, c.Verdict, len(c.Requirements), c.Level, len(c.Evidence.Wire))
		}
	}
}

// expectationsVar names another expectations file for a subprocess run
// (the container target has its own).
const expectationsVar = "EMSG_CONFORM_TEST_EXPECTATIONS"

// expectationsFile is the expectations file of this run.
func expectationsFile() string {
	if f := os.Getenv(expectationsVar); f != "" {
		return f
	}
	return referenceExpectations
}
