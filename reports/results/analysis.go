package results

import (
	"strconv"

	"github.com/emsg-project/emsg/spec"
)

// Analysis is a [Run] with the views every report derives from it: per
// requirement, per profile, and certification. Renderers take an Analysis
// so they all agree; build one with [Analyze].
type Analysis struct {
	Run          Run
	Requirements []RequirementResult // catalogue order
	Profiles     []ProfileSummary    // run.Profiles order, then other suites
	// Unknown are requirement IDs cases cite that the catalogue does not
	// know: a bug in the suite, which reports show.
	Unknown []string
}

// Analyze derives the views of run against the embedded catalogue
// (spec/requirements.yaml).
func Analyze(run Run) Analysis { return AnalyzeWith(run, spec.Requirements()) }

// AnalyzeWith derives the views of run against catalogue; tests pass a small
// catalogue of their own.
func AnalyzeWith(run Run, catalogue []spec.Requirement) Analysis {
	reqs, unknown := requirementResults(run, catalogue)
	return Analysis{Run: run, Requirements: reqs, Profiles: profileSummaries(run, reqs), Unknown: unknown}
}

// Certified lists the profiles the run certifies, in profile order.
func (a Analysis) Certified() []string {
	var out []string
	for _, p := range a.Profiles {
		if p.Certified {
			out = append(out, p.Profile)
		}
	}
	return out
}

// Profile returns the summary of the named profile.
func (a Analysis) Profile(name string) (ProfileSummary, bool) {
	for _, p := range a.Profiles {
		if p.Profile == name {
			return p, true
		}
	}
	return ProfileSummary{}, false
}

// Requirement returns the result of the requirement with the given ID.
func (a Analysis) Requirement(id string) (RequirementResult, bool) {
	for _, r := range a.Requirements {
		if r.ID == id {
			return r, true
		}
	}
	return RequirementResult{}, false
}

// Case returns the case with the given ID.
func (a Analysis) Case(id string) (Case, bool) {
	for _, c := range a.Run.Cases {
		if c.ID == id {
			return c, true
		}
	}
	return Case{}, false
}

// Failures returns the cases that need a reader's attention, in run order:
// failures, failed SHOULDs and unexpected passes.
func (a Analysis) Failures() []Case {
	var out []Case
	for _, c := range a.Run.Cases {
		if c.Verdict == Fail || c.Verdict == NonStrict || c.Verdict == UnexpectedPass {
			out = append(out, c)
		}
	}
	return out
}

// Passed reports whether the run has no failing case and no unknown
// requirement: what `make conformance` exits 0 on.
func (a Analysis) Passed() bool {
	for _, c := range a.Run.Cases {
		if c.Verdict == Fail || c.Verdict == UnexpectedPass {
			return false
		}
	}
	return len(a.Unknown) == 0
}

// Title names the run for headings: "name version".
func (a Analysis) Title() string {
	impl := a.Run.Implementation
	if impl.Version == "" {
		return impl.Name
	}
	return impl.Name + " " + impl.Version
}

func itoa(n int) string { return strconv.Itoa(n) }
