package runner

import (
	"slices"
	"sort"

	"github.com/emsg-project/emsg/conformance/suites"
	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/spec"
)

// ProfileCoverage is how many MUSTs of one profile the cases cite.
type ProfileCoverage struct {
	Profile   spec.Profile
	HasSuites bool     // false: no suite yet; the profile is not covered
	Musts     int      // MUST statements of the profile
	Cited     int      // of which some case cites
	Uncovered []string // the MUST IDs no case cites
}

// Coverage is the requirement coverage of the registered cases.
type Coverage struct {
	Profiles []ProfileCoverage
	Unknown  []string // IDs cited that the catalogue does not have
}

// CoverageOf computes the coverage of cases.
func CoverageOf(cases []suites.Case) Coverage {
	cited := map[string]bool{}
	var cov Coverage
	for _, c := range cases {
		for _, id := range c.Requirements {
			cited[id] = true
		}
		cov.Unknown = append(cov.Unknown, c.Unknown...)
	}
	sort.Strings(cov.Unknown)
	cov.Unknown = slices.Compact(cov.Unknown)
	for _, p := range spec.Profiles() {
		pc := ProfileCoverage{Profile: p, HasSuites: slices.Contains(suites.ProfilesWithSuites(), p)}
		for _, r := range spec.RequirementsByProfile(p) {
			if r.Level != spec.Must {
				continue
			}
			pc.Musts++
			if cited[r.ID] {
				pc.Cited++
			} else {
				pc.Uncovered = append(pc.Uncovered, r.ID)
			}
		}
		cov.Profiles = append(cov.Profiles, pc)
	}
	return cov
}

// Certified returns the profiles run certifies: every MUST of the profile
// is cited by a case that passed, and by no case that failed (an expected
// failure still blocks). Profiles without suites are never certified.
func Certified(run results.Run) []spec.Profile {
	passed, blocked := map[string]bool{}, map[string]bool{}
	for _, c := range run.Cases {
		for _, id := range c.Requirements {
			switch {
			case c.Verdict == results.Pass || c.Verdict == results.UnexpectedPass:
				passed[id] = true
			case c.Verdict != results.Skipped:
				blocked[id] = true
			}
		}
	}
	var out []spec.Profile
	for _, p := range suites.ProfilesWithSuites() {
		ok := true
		for _, r := range spec.RequirementsByProfile(p) {
			if r.Level == spec.Must && (!passed[r.ID] || blocked[r.ID]) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, p)
		}
	}
	return out
}
