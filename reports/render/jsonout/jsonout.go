// Package jsonout renders runs as JSON: the run itself in the stable
// results format ([Write], what `emsg report` reads back), and a derived
// summary for scripts ([WriteSummary], e.g. `jq .certified`), which no
// tool reads back.
package jsonout

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/emsg-project/emsg/reports/results"
)

// Write writes run in the results format (see [results.Write]).
func Write(w io.Writer, run results.Run) error { return results.Write(w, run) }

// Summary is the derived view of one run as [WriteSummary] writes it.
type Summary struct {
	Implementation results.Implementation `json:"implementation"`
	Target         string                 `json:"target"`
	Passed         bool                   `json:"passed"`
	Certified      []string               `json:"certified"`
	Profiles       []Profile              `json:"profiles"`
	Unknown        []string               `json:"unknown_requirements,omitempty"`
}

// Profile is one profile of a [Summary].
type Profile struct {
	Profile   string                  `json:"profile"`
	Status    string                  `json:"status"`
	Certified bool                    `json:"certified"`
	Musts     int                     `json:"musts"`
	MustsMet  int                     `json:"musts_met"`
	Counts    map[results.Verdict]int `json:"counts"`
	Failing   []string                `json:"failing,omitempty"`
	Uncovered []string                `json:"uncovered,omitempty"`
}

// WriteSummary writes one [Summary] per analysis, as a JSON array.
func WriteSummary(w io.Writer, analyses ...results.Analysis) error {
	out := make([]Summary, 0, len(analyses))
	for _, a := range analyses {
		out = append(out, summarize(a))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write json summary: %w", err)
	}
	return nil
}

func summarize(a results.Analysis) Summary {
	s := Summary{Implementation: a.Run.Implementation, Target: a.Run.Target.Kind, Passed: a.Passed(),
		Certified: append([]string{}, a.Certified()...), Unknown: a.Unknown}
	for _, p := range a.Profiles {
		s.Profiles = append(s.Profiles, Profile{Profile: p.Profile, Status: p.Status(), Certified: p.Certified,
			Musts: p.Musts, MustsMet: p.MustsMet, Counts: p.Counts, Failing: p.Failing, Uncovered: p.Uncovered})
	}
	return s
}
