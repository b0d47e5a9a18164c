package diff_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reports/diff"
	"github.com/emsg-project/emsg/reports/internal/golden"
	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/reports/results/resultstest"
)

func analyze(r results.Run) results.Analysis { return results.AnalyzeWith(r, resultstest.Catalogue()) }

// one builds a run with a single case of verdict v.
func one(v results.Verdict) results.Run {
	run := resultstest.Passing()
	run.Cases = []results.Case{{ID: "c", Name: "c", Profile: "security", Requirements: []string{"CORE-MSG-03"}, Verdict: v}}
	run.Profiles = nil
	return run
}

func TestCaseDirections(t *testing.T) {
	const (
		reg, imp, chg, none = "regression", "improvement", "change", "none"
	)
	tests := []struct {
		old, new results.Verdict
		want     string
	}{
		// happy path: things get better
		{results.Fail, results.Pass, imp},            // fixed
		{results.Fail, results.NonStrict, imp},       // now only a SHOULD fails
		{results.ExpectedFailure, results.Pass, imp}, // known failure fixed
		{results.NonStrict, results.Pass, imp},       // SHOULD now met
		// sad path: things get worse
		{results.Pass, results.Fail, reg},            // broke
		{results.Skipped, results.Fail, reg},         // ran for the first time, and failed
		{results.ExpectedFailure, results.Fail, reg}, // no longer excused
		{results.Pass, results.ExpectedFailure, reg}, // hidden behind the expectations file
		{results.Pass, results.NonStrict, reg},       // a SHOULD broke
		// neither
		{results.Pass, results.Skipped, chg},         // did not run
		{results.Fail, results.ExpectedFailure, chg}, // now excused
		{results.Pass, results.UnexpectedPass, chg},  // expectations file needs tightening
		{results.Pass, results.Pass, none},           // same
	}
	for _, tt := range tests {
		d := diff.Compare(analyze(one(tt.old)), analyze(one(tt.new)))
		got := none
		switch {
		case len(d.Regressions) > 0:
			got = reg
		case len(d.Improvements) > 0:
			got = imp
		case len(d.Changes) > 0:
			got = chg
		}
		if got != tt.want {
			t.Errorf("%s → %s: got %s, want %s", tt.old, tt.new, got, tt.want)
		}
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name     string
		old, new results.Run
		format   diff.Format
		regress  bool
	}{
		{"regressed.txt", resultstest.Passing(), resultstest.Failing(), diff.Console, true}, // certification lost
		{"regressed.md", resultstest.Passing(), resultstest.Failing(), diff.Markdown, true}, // the same as Markdown
		{"improved.md", resultstest.Failing(), resultstest.Passing(), diff.Markdown, false}, // everything fixed
		{"same.txt", resultstest.Passing(), resultstest.Passing(), diff.Console, false},     // nothing changed
	}
	for _, tt := range tests {
		d := diff.Compare(analyze(tt.old), analyze(tt.new))
		if d.Regressed() != tt.regress {
			t.Errorf("%s: Regressed() = %v, want %v", tt.name, d.Regressed(), tt.regress)
		}
		var buf bytes.Buffer
		if err := diff.Write(&buf, d, tt.format); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, tt.name, buf.Bytes())
	}
}

func encode(t *testing.T, run results.Run) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := results.Write(&buf, run); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDocumentsDispatchesOnKind(t *testing.T) {
	called := false
	diff.Register("test-load", func(w io.Writer, old, new []byte, f diff.Format) (bool, error) {
		called = true
		return true, nil
	})
	load := []byte(`{"kind":"test-load","format":7,"p99_ms":12}`)
	if regressed, err := diff.Documents(io.Discard, load, load, diff.Console); err != nil || !regressed || !called {
		t.Errorf("registered differ: got regressed=%v err=%v called=%v", regressed, err, called)
	}
	conf := encode(t, resultstest.Passing())
	tests := []struct {
		name     string
		old, new []byte
		wantErr  string
	}{
		{"mixed kinds", conf, load, "cannot compare"},                               // conformance vs load
		{"unknown kind", []byte(`{"kind":"x"}`), []byte(`{"kind":"x"}`), "no diff"}, // nobody registered x
		{"not json", []byte(`nope`), conf, "old results"},                           // unreadable
	}
	for _, tt := range tests {
		_, err := diff.Documents(io.Discard, tt.old, tt.new, diff.Console)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: got %v, want an error with %q", tt.name, err, tt.wantErr)
		}
	}
	// conformance runs go to the built-in differ
	if regressed, err := diff.Documents(io.Discard, conf, conf, diff.Markdown); err != nil || regressed {
		t.Errorf("same run: got regressed=%v err=%v", regressed, err)
	}
}
