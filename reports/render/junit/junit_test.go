package junit_test

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reports/internal/golden"
	"github.com/emsg-project/emsg/reports/render/junit"
	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/reports/results/resultstest"
)

func render(t *testing.T, runs ...results.Run) []byte {
	t.Helper()
	var as []results.Analysis
	for _, r := range runs {
		as = append(as, results.AnalyzeWith(r, resultstest.Catalogue()))
	}
	var buf bytes.Buffer
	if err := junit.Write(&buf, as...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	golden.Check(t, "failing.xml", render(t, resultstest.Failing()))
	golden.Check(t, "two-runs.xml", render(t, resultstest.Passing(), resultstest.Failing()))
}

// TestStructure reads the XML back and checks what JUnit consumers rely
// on: counts that add up, a failure with a requirement and expected/actual,
// skips with reasons, one suite per profile.
func TestStructure(t *testing.T) {
	var doc junit.TestSuites
	if err := xml.Unmarshal(render(t, resultstest.Failing()), &doc); err != nil {
		t.Fatalf("output is not well-formed: %v", err)
	}
	if got := len(doc.Suites); got != 3 {
		t.Errorf("got %d suites, want 3 (core, federation, robustness)", got)
	}
	tests, failures, skipped := 0, 0, 0
	for _, s := range doc.Suites {
		if s.Name == "" || s.Timestamp == "" {
			t.Errorf("suite %+v lacks a name or timestamp", s)
		}
		if s.Tests != len(s.Cases) {
			t.Errorf("suite %s: tests=%d, but %d test cases", s.Name, s.Tests, len(s.Cases))
		}
		f, k := 0, 0
		for _, c := range s.Cases {
			if c.Name == "" || c.Classname == "" {
				t.Errorf("test case %+v lacks a name or classname", c)
			}
			if c.Failure != nil {
				f++
				checkFailure(t, c.Failure)
			}
			if c.Skipped != nil {
				k++
				if c.Skipped.Message == "" {
					t.Errorf("%s: skipped without a reason", c.Name)
				}
			}
		}
		if f != s.Failures || k != s.Skipped {
			t.Errorf("suite %s: counts failures=%d skipped=%d, elements %d %d", s.Name, s.Failures, s.Skipped, f, k)
		}
		tests, failures, skipped = tests+s.Tests, failures+s.Failures, skipped+s.Skipped
	}
	if doc.Tests != tests || doc.Failures != failures || doc.Skipped != skipped {
		t.Errorf("root counts %d/%d/%d, suites add up to %d/%d/%d", doc.Tests, doc.Failures, doc.Skipped, tests, failures, skipped)
	}
	if failures != 1 || skipped != 1 {
		t.Errorf("got %d failures and %d skips, want 1 and 1 (the fail; the expected failure)", failures, skipped)
	}
}

func checkFailure(t *testing.T, f *junit.Failure) {
	t.Helper()
	if f.Type != "CORE-MSG-01" || !strings.HasPrefix(f.Message, "CORE-MSG-01: ") {
		t.Errorf("failure type %q message %q, want the requirement", f.Type, f.Message)
	}
	for _, want := range []string{"requirements: CORE-MSG-01", "expected: ", "actual: "} {
		if !strings.Contains(f.Text, want) {
			t.Errorf("failure text lacks %q:\n%s", want, f.Text)
		}
	}
}

// TestHostileText puts control characters, invalid UTF-8 and a CDATA end
// into a wire log: the document must still parse and keep the text.
func TestHostileText(t *testing.T) {
	run := resultstest.Failing()
	run.Cases[1].Evidence.ServerLog = "a\x00b\xffc ]]> d"
	var doc junit.TestSuites
	if err := xml.Unmarshal(render(t, run), &doc); err != nil {
		t.Fatalf("output is not well-formed: %v", err)
	}
	got := doc.Suites[0].Cases[1].SystemErr.Text
	if want := "a\uFFFDb\uFFFDc ]]> d"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
