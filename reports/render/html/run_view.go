package html

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/emsg-project/emsg/reports/render/badge"
	"github.com/emsg-project/emsg/reports/results"
)

// runView is one run as the page shows it.
type runView struct {
	Anchor    string // "run-1"
	Title     string
	Target    string
	Domains   string
	Started   string
	Duration  string
	Passed    bool
	Certified []string
	Profiles  []profileView
	Cases     []caseView
	Unknown   []string
	anchors   map[string]string // case ID → its section's anchor
}

// profileView is a profile's row in a run's card.
type profileView struct {
	results.ProfileSummary
	Badge  template.HTML
	Counts []count
}

// count is a verdict and how many cases got it.
type count struct {
	Verdict results.Verdict
	N       int
}

// caseView is a case with its anchor and whether it starts unfolded.
type caseView struct {
	results.Case
	Anchor   string
	Open     bool
	Duration string
	Wire     []wireView
}

// wireView is a wire entry with its time formatted.
type wireView struct {
	results.WireEntry
	Time string
}

func newRunView(i int, a results.Analysis) runView {
	run := a.Run
	rv := runView{
		Anchor: fmt.Sprintf("run-%d", i+1), Title: a.Title(), Target: run.Target.Kind,
		Domains: strings.Join(run.Target.Domains, ", "), Started: run.Started.UTC().Format("2006-01-02 15:04:05 UTC"),
		Duration: duration(run.Duration), Passed: a.Passed(), Certified: a.Certified(), Unknown: a.Unknown,
	}
	for _, p := range a.Profiles {
		rv.Profiles = append(rv.Profiles, profileView{ProfileSummary: p, Badge: template.HTML(badge.ForProfile(p)), Counts: counts(p)})
	}
	rv.anchors = caseAnchors(rv.Anchor, run.Cases)
	for _, c := range run.Cases {
		rv.Cases = append(rv.Cases, newCaseView(rv.anchors[c.ID], c))
	}
	return rv
}

// counts lists the verdicts a profile's cases got, worst first, skipping zeros.
func counts(p results.ProfileSummary) []count {
	var out []count
	for _, v := range results.Verdicts() {
		if n := p.Counts[v]; n > 0 {
			out = append(out, count{v, n})
		}
	}
	return out
}

func newCaseView(anchor string, c results.Case) caseView {
	cv := caseView{Case: c, Anchor: anchor, Duration: duration(c.Duration),
		Open: c.Verdict == results.Fail || c.Verdict == results.UnexpectedPass || c.Verdict == results.NonStrict}
	for _, e := range c.Evidence.Wire {
		cv.Wire = append(cv.Wire, wireView{WireEntry: e, Time: e.At.UTC().Format("15:04:05.000")})
	}
	return cv
}

// caseAnchors gives each case the fragment of its section: the run's
// anchor and the case ID with anything but letters, digits and dashes made
// a dash, numbered when two IDs make the same slug ("a/b", "a-b").
func caseAnchors(runAnchor string, cases []results.Case) map[string]string {
	out := make(map[string]string, len(cases))
	taken := map[string]bool{}
	for _, c := range cases {
		anchor := runAnchor + "-" + slug(c.ID)
		for n := 2; taken[anchor]; n++ {
			anchor = fmt.Sprintf("%s-%s-%d", runAnchor, slug(c.ID), n)
		}
		taken[anchor] = true
		out[c.ID] = anchor
	}
	return out
}

func slug(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, id)
}

func joinStrings(s []string, sep string) string { return strings.Join(s, sep) }
