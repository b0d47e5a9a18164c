package runner

import (
	"slices"
	"sort"

	"github.com/emsg-project/emsg/conformance/suites"
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
