package results_test

import (
	"slices"
	"testing"

	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/reports/results/resultstest"
)

func analyze(run results.Run) results.Analysis {
	return results.AnalyzeWith(run, resultstest.Catalogue())
}

func TestWorst(t *testing.T) {
	tests := []struct {
		in   []results.Verdict
		want results.Verdict
	}{
		{nil, ""}, // no cases: no verdict
		{[]results.Verdict{results.Pass}, results.Pass},                                               // one pass
		{[]results.Verdict{results.Pass, results.Skipped}, results.Skipped},                           // a skip outweighs a pass
		{[]results.Verdict{results.NonStrict, results.Fail, results.Pass}, results.Fail},              // a fail outweighs all
		{[]results.Verdict{results.UnexpectedPass, results.ExpectedFailure}, results.ExpectedFailure}, // expected failure still fails
		{[]results.Verdict{results.UnexpectedPass, results.Skipped}, results.Skipped},                 // a skip shows nothing, even beside a pass
	}
	for _, tt := range tests {
		if got := results.Worst(tt.in...); got != tt.want {
			t.Errorf("Worst(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAnalyzeProfiles(t *testing.T) {
	tests := []struct {
		name          string
		run           results.Run
		profile       string
		wantCertified bool
		wantMet       int
		wantMusts     int
		wantFailing   []string
		wantUncovered []string
		wantStatus    string
	}{
		// every MUST of core passes
		{"passing core", resultstest.Passing(), "core", true, 3, 3, nil, nil, "certified"},
		// a failed MUST blocks core
		{"failing core", resultstest.Failing(), "core", false, 2, 3, []string{"CORE-MSG-01"}, nil, "1 failing"},
		// an expected failure blocks, and a MUST nobody cites is uncovered
		{"failing federation", resultstest.Failing(), "federation", false, 0, 2, []string{"FED-TXN-01"}, []string{"FED-TXN-02"}, "1 failing"},
		// a suite that is not a catalogue profile is never certified
		{"security suite", resultstest.Passing(), "security", false, 0, 0, nil, nil, "not certifiable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := analyze(tt.run).Profile(tt.profile)
			if !ok {
				t.Fatalf("no summary for %s", tt.profile)
			}
			if p.Certified != tt.wantCertified || p.MustsMet != tt.wantMet || p.Musts != tt.wantMusts {
				t.Errorf("got certified=%v met %d/%d, want %v %d/%d", p.Certified, p.MustsMet, p.Musts, tt.wantCertified, tt.wantMet, tt.wantMusts)
			}
			if !slices.Equal(p.Failing, tt.wantFailing) || !slices.Equal(p.Uncovered, tt.wantUncovered) {
				t.Errorf("got failing %v uncovered %v, want %v %v", p.Failing, p.Uncovered, tt.wantFailing, tt.wantUncovered)
			}
			if p.Status() != tt.wantStatus {
				t.Errorf("got status %q, want %q", p.Status(), tt.wantStatus)
			}
		})
	}
}

func TestAnalyzeRequirements(t *testing.T) {
	a := analyze(resultstest.Failing())
	tests := []struct {
		id          string
		wantVerdict results.Verdict
		wantMet     bool
	}{
		{"CORE-ADDR-01", results.Pass, true},      // one passing case
		{"CORE-MSG-01", results.Fail, false},      // the failing case
		{"CORE-MSG-03", results.NonStrict, false}, // a failed SHOULD is not met, but only non-strict
		{"FED-TXN-02", "", false},                 // cited by no case
	}
	for _, tt := range tests {
		r, ok := a.Requirement(tt.id)
		if !ok {
			t.Fatalf("no result for %s", tt.id)
		}
		if r.Verdict != tt.wantVerdict || r.Met() != tt.wantMet {
			t.Errorf("%s: got %q met=%v, want %q met=%v", tt.id, r.Verdict, r.Met(), tt.wantVerdict, tt.wantMet)
		}
	}
	if !slices.Equal(a.Unknown, []string{"CORE-LIMIT-99"}) {
		t.Errorf("got unknown %v, want [CORE-LIMIT-99]", a.Unknown)
	}
}

func TestAnalysisCertifiedAndPassed(t *testing.T) {
	pass, fail := analyze(resultstest.Passing()), analyze(resultstest.Failing())
	if got := pass.Certified(); !slices.Equal(got, []string{"core", "federation"}) {
		t.Errorf("passing run certifies %v, want [core federation]", got)
	}
	if got := fail.Certified(); len(got) != 0 {
		t.Errorf("failing run certifies %v, want none", got)
	}
	if !pass.Passed() || fail.Passed() {
		t.Errorf("Passed: got %v and %v, want true and false", pass.Passed(), fail.Passed())
	}
	if got := len(fail.Failures()); got != 2 {
		t.Errorf("failing run has %d failures, want 2 (a fail and a non-strict)", got)
	}
}
