package runner

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/emsg-project/emsg/conformance/suites"
	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/spec"
)

// caseOf converts one Ginkgo spec report into a results case.
func caseOf(sr types.SpecReport, exp Expectations, serverLog func() string) (results.Case, bool) {
	if sr.LeafNodeType != types.NodeTypeIt {
		return results.Case{}, false
	}
	labels := sr.Labels()
	c := results.Case{Name: sr.FullText(), Duration: results.MillisOf(sr.RunTime)}
	for _, l := range labels {
		switch {
		case slices.Contains(suites.Suites(), suites.Suite(l)):
			c.Profile = l
		case l == string(spec.Must) || l == string(spec.Should) || l == string(spec.May):
			c.Level = l
		default:
			if _, ok := spec.RequirementByID(l); ok {
				c.Requirements = append(c.Requirements, l)
			}
		}
	}
	c.ID = suites.CaseID(c.Profile, sr.FullText())
	c.Verdict, c.Reason = verdictOf(sr, c.Level)
	if sr.State.Is(types.SpecStateFailureStates) {
		c.Actual = sr.Failure.Message
		c.Expected = statements(c.Requirements)
		c.Evidence.ServerLog = serverLog()
	}
	for _, e := range sr.ReportEntries {
		switch e.Name {
		case suites.EntryWire:
			c.Evidence.Wire = wireOf(e)
		case suites.EntryServerLog:
			if log := stringOf(e); log != "" {
				c.Evidence.ServerLog = log
			}
		}
	}
	if reason, ok := exp.known(c.ID, c.Requirements); ok {
		switch c.Verdict {
		case results.Fail, results.NonStrict:
			c.Verdict, c.Reason = results.ExpectedFailure, reason
		case results.Pass:
			c.Verdict, c.Reason = results.UnexpectedPass, "listed as a known failure ("+reason+"), but passed: tighten the expectations file"
		}
	}
	return c, true
}

// wireOf is the wire log of an entry: its value in this process, or the
// JSON it travelled as from another process of a parallel run.
func wireOf(e types.ReportEntry) []results.WireEntry {
	if w, ok := e.GetRawValue().([]results.WireEntry); ok {
		return w
	}
	var w []results.WireEntry
	if json.Unmarshal([]byte(e.Value.AsJSON), &w) != nil {
		return nil
	}
	return w
}

// stringOf is an entry's string value, here or from another process.
func stringOf(e types.ReportEntry) string {
	if s, ok := e.GetRawValue().(string); ok {
		return s
	}
	var s string
	_ = json.Unmarshal([]byte(e.Value.AsJSON), &s)
	return s
}

// verdictOf maps Ginkgo's state to a verdict; a failed SHOULD or MAY is
// non-strict.
func verdictOf(sr types.SpecReport, level string) (results.Verdict, string) {
	switch {
	case sr.State == types.SpecStatePassed:
		return results.Pass, ""
	case sr.State == types.SpecStateSkipped || sr.State == types.SpecStatePending:
		reason := sr.Failure.Message
		if reason == "" {
			reason = "not selected"
		}
		return results.Skipped, reason
	case level == string(spec.Must):
		return results.Fail, sr.Failure.Message
	}
	return results.NonStrict, sr.Failure.Message
}

// statements is what the cited requirements say, one per line: what a
// failed case expected.
func statements(ids []string) string {
	var lines []string
	for _, id := range ids {
		if r, ok := spec.RequirementByID(id); ok {
			lines = append(lines, id+": "+r.Statement)
		}
	}
	return strings.Join(lines, "\n")
}
