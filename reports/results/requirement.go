package results

import "github.com/emsg-project/emsg/spec"

// RequirementResult is what a run says about one requirement of the
// catalogue: the cases that cite it and the worst of their verdicts. It is
// derived by [Analyze], never stored.
type RequirementResult struct {
	ID        string
	Level     string // MUST, SHOULD or MAY
	Profile   string // the requirement's profile in the catalogue
	Statement string
	// Cases are the IDs of the cases that cite the requirement, in run order.
	Cases []string
	// Verdict is the worst verdict of Cases, or "" when no case cites it.
	Verdict Verdict
}

// Covered reports whether at least one case cites the requirement.
func (r RequirementResult) Covered() bool { return len(r.Cases) > 0 }

// Met reports whether the requirement is covered and none of its cases
// blocks it (see [Verdict.Blocks]).
func (r RequirementResult) Met() bool { return r.Covered() && !r.Verdict.Blocks() }

// IsMust reports whether the requirement is a MUST.
func (r RequirementResult) IsMust() bool { return r.Level == string(spec.Must) }

// requirementResults derives one result per requirement of catalogue that
// belongs to a profile the run checked or that a case cites, in catalogue
// order, and returns the cited IDs the catalogue does not know.
func requirementResults(run Run, catalogue []spec.Requirement) (out []RequirementResult, unknown []string) {
	cited, verdicts := citations(run)
	checked := make(map[string]bool, len(run.Profiles))
	for _, p := range run.Profiles {
		checked[p] = true
	}
	known := make(map[string]bool, len(catalogue))
	for _, r := range catalogue {
		known[r.ID] = true
		if !checked[string(r.Profile)] && len(cited[r.ID]) == 0 {
			continue
		}
		out = append(out, RequirementResult{
			ID: r.ID, Level: string(r.Level), Profile: string(r.Profile), Statement: r.Statement,
			Cases: cited[r.ID], Verdict: Worst(verdicts[r.ID]...),
		})
	}
	for _, c := range run.Cases {
		for _, id := range c.Requirements {
			if !known[id] {
				known[id] = true // report each unknown ID once
				unknown = append(unknown, id)
			}
		}
	}
	return out, unknown
}

// citations maps each requirement ID to the cases citing it and their verdicts.
func citations(run Run) (cases map[string][]string, verdicts map[string][]Verdict) {
	cases = map[string][]string{}
	verdicts = map[string][]Verdict{}
	for _, c := range run.Cases {
		for _, id := range c.Requirements {
			cases[id] = append(cases[id], c.ID)
			verdicts[id] = append(verdicts[id], c.Verdict)
		}
	}
	return cases, verdicts
}
