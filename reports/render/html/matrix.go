package html

import "github.com/emsg-project/emsg/reports/results"

// matrixProfile is the block of the matrix for one catalogue profile.
type matrixProfile struct {
	Profile string
	Rows    []matrixRow
}

// matrixRow is one requirement, with a cell per run.
type matrixRow struct {
	ID, Level, Statement string
	Cells                []matrixCell
}

// matrixCell is one requirement in one run: its verdict (or "uncovered",
// or "not checked" when the run did not check the profile) and a link to
// the case that decides it.
type matrixCell struct {
	Class string // CSS class: v-pass, v-fail, ..., v-uncovered, v-none
	Label string
	Link  string // "#run-1-core-..." or ""
}

// matrix builds the profile × requirement matrix over every requirement any
// run reports, grouped by profile in order of first appearance.
func matrix(analyses []results.Analysis, runs []runView) []matrixProfile {
	var out []matrixProfile
	index := map[string]int{} // profile → position in out
	seen := map[string]bool{}
	for _, a := range analyses {
		for _, r := range a.Requirements {
			if seen[r.ID] {
				continue
			}
			seen[r.ID] = true
			i, ok := index[r.Profile]
			if !ok {
				i = len(out)
				index[r.Profile] = i
				out = append(out, matrixProfile{Profile: r.Profile})
			}
			out[i].Rows = append(out[i].Rows, row(r, analyses, runs))
		}
	}
	return out
}

func row(r results.RequirementResult, analyses []results.Analysis, runs []runView) matrixRow {
	mr := matrixRow{ID: r.ID, Level: r.Level, Statement: r.Statement}
	for i, a := range analyses {
		mr.Cells = append(mr.Cells, cell(a, r.ID, runs[i].anchors))
	}
	return mr
}

func cell(a results.Analysis, id string, anchors map[string]string) matrixCell {
	r, ok := a.Requirement(id)
	switch {
	case !ok:
		return matrixCell{Class: "v-none", Label: "not checked"}
	case !r.Covered():
		return matrixCell{Class: "v-uncovered", Label: "uncovered"}
	}
	return matrixCell{Class: "v-" + string(r.Verdict), Label: string(r.Verdict), Link: "#" + anchors[deciding(a, r)]}
}

// deciding returns the ID of the first case of r whose verdict is r's
// (worst) verdict: the one a reader should look at.
func deciding(a results.Analysis, r results.RequirementResult) string {
	for _, id := range r.Cases {
		if c, ok := a.Case(id); ok && c.Verdict == r.Verdict {
			return id
		}
	}
	return r.Cases[0]
}
