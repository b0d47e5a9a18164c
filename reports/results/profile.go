package results

import (
	"slices"

	"github.com/emsg-project/emsg/spec"
)

// ProfileSummary is what a run says about one profile: how its cases ended
// and whether its MUSTs are met. It is derived by [Analyze], never stored.
//
// Cases are grouped by [Case.Profile] (so robustness and security, which
// are suites but not profiles of the catalogue, get a summary too); MUSTs
// are the MUST requirements of the profile in the catalogue, met by any case
// of the run that cites them.
type ProfileSummary struct {
	Profile string
	Counts  map[Verdict]int // cases of the profile by verdict
	Cases   int             // cases of the profile
	// Musts is the number of MUSTs of the profile in the catalogue; zero
	// for suites that are not a catalogue profile.
	Musts    int
	MustsMet int
	// Failing are the MUSTs some case cites but that are not met; Uncovered
	// the MUSTs no case cites. Both in catalogue order.
	Failing   []string
	Uncovered []string
	// Certified: the profile is a catalogue profile with at least one MUST,
	// every MUST is covered and every MUST passes.
	Certified bool
}

// Certifiable reports whether the profile has MUSTs to certify against.
func (p ProfileSummary) Certifiable() bool { return p.Musts > 0 }

// Status is the short word reports show for the profile: "certified",
// "N failing", "N uncovered", or "not certifiable".
func (p ProfileSummary) Status() string {
	switch {
	case p.Certified:
		return "certified"
	case !p.Certifiable():
		return "not certifiable"
	case len(p.Failing) > 0:
		return itoa(len(p.Failing)) + " failing"
	default:
		return itoa(len(p.Uncovered)) + " uncovered"
	}
}

// profileSummaries derives one summary per profile the run checked, then one
// per other profile its cases name, in that order.
func profileSummaries(run Run, reqs []RequirementResult) []ProfileSummary {
	var out []ProfileSummary
	for _, p := range profileNames(run) {
		out = append(out, summarize(p, run.Cases, reqs))
	}
	return out
}

// profileNames lists run.Profiles, then the profiles of its cases not
// already listed, in order of first appearance.
func profileNames(run Run) []string {
	names := slices.Clone(run.Profiles)
	for _, c := range run.Cases {
		if !slices.Contains(names, c.Profile) {
			names = append(names, c.Profile)
		}
	}
	return names
}

func summarize(profile string, cases []Case, reqs []RequirementResult) ProfileSummary {
	s := ProfileSummary{Profile: profile, Counts: map[Verdict]int{}}
	for _, c := range cases {
		if c.Profile == profile {
			s.Counts[c.Verdict]++
			s.Cases++
		}
	}
	for _, r := range reqs {
		if r.Profile != profile || r.Level != string(spec.Must) {
			continue
		}
		s.Musts++
		switch {
		case r.Met():
			s.MustsMet++
		case r.Covered():
			s.Failing = append(s.Failing, r.ID)
		default:
			s.Uncovered = append(s.Uncovered, r.ID)
		}
	}
	s.Certified = s.Musts > 0 && s.MustsMet == s.Musts
	return s
}
