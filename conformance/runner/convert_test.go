package runner

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/emsg-project/emsg/reports/results"
)

func TestVerdicts(t *testing.T) {
	exp, err := ParseExpectations([]byte("known_failures:\n  - requirement: ENV-TS-01\n    reason: clock\n"))
	if err != nil {
		t.Fatal(err)
	}
	spec := func(state types.SpecState, labels ...string) types.SpecReport {
		return types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: "does a thing", LeafNodeLabels: labels,
			State: state, Failure: types.Failure{Message: "got X, want Y"}}
	}
	tests := []struct {
		name string
		sr   types.SpecReport
		want results.Verdict
	}{
		// happy path
		{"a MUST that passed", spec(types.SpecStatePassed, "core", "MUST", "ENV-ID-01"), results.Pass},
		{"a skipped case", spec(types.SpecStateSkipped, "core", "MUST", "ENV-ID-01"), results.Skipped},
		// sad path
		{"a MUST that failed", spec(types.SpecStateFailed, "core", "MUST", "ENV-ID-01"), results.Fail},
		{"a MUST that timed out", spec(types.SpecStateTimedout, "core", "MUST", "ENV-ID-01"), results.Fail},
		{"a SHOULD that failed is non-strict", spec(types.SpecStateFailed, "federation", "SHOULD", "FED-QUEUE-04"), results.NonStrict},
		{"a known failure that failed", spec(types.SpecStateFailed, "core", "MUST", "ENV-TS-01"), results.ExpectedFailure},
		{"a known failure that passed", spec(types.SpecStatePassed, "core", "MUST", "ENV-TS-01"), results.UnexpectedPass},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := caseOf(tc.sr, exp, func() string { return "server log" })
			if !ok {
				t.Fatal("not converted")
			}
			if c.Verdict != tc.want {
				t.Fatalf("got %s, want %s", c.Verdict, tc.want)
			}
			if c.Verdict == results.Fail && (c.Actual == "" || c.Evidence.ServerLog == "") {
				t.Error("a failure without its message or the server log")
			}
		})
	}
	if _, ok := caseOf(types.SpecReport{LeafNodeType: types.NodeTypeBeforeSuite}, exp, nil); ok {
		t.Error("a suite node became a case")
	}
}
