package loadgen

import (
	"errors"
	"fmt"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
)

// Limits on scenarios, so that a typo does not ask for a billion users.
const (
	maxUsers    = 10_000_000
	maxContacts = 1000
	maxRate     = 1_000_000
	// maxGroupMembers keeps a group post within the 65,536-byte envelope:
	// every member's wrapped key takes about 150 bytes of it.
	maxGroupMembers = 256
	maxGroups       = 1_000_000
)

// Check reports everything wrong with s at once, each problem naming its
// key as the scenario file spells it.
func (s Scenario) Check() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("scenario: %s: %s", key, fmt.Sprintf(format, args...)))
	}
	if s.Seed == "" {
		bad("seed", "must not be empty: every user, key and message derives from it")
	}
	s.checkDomains(bad)
	if s.UsersPerDomain < 2 || s.Users() > maxUsers {
		bad("users_per_domain", "%d: want at least 2 and at most %d users in all", s.UsersPerDomain, maxUsers)
	}
	if s.Contacts.Count < 1 || s.Contacts.Count > maxContacts || s.Contacts.Count >= s.Users() {
		bad("contacts.count", "%d: want 1 to %d, fewer than the users", s.Contacts.Count, maxContacts)
	}
	if s.Contacts.CrossDomain < 0 || s.Contacts.CrossDomain > 1 {
		bad("contacts.cross_domain", "%v: want a share between 0 and 1", s.Contacts.CrossDomain)
	}
	if s.Online.Fraction <= 0 || s.Online.Fraction > 1 {
		bad("online.fraction", "%v: want a share above 0 and at most 1", s.Online.Fraction)
	}
	if s.Online.Churn < 0 || (s.Online.Churn > 0 && s.Online.Churn.D() < time.Second) {
		bad("online.churn", "%v: want 0 (no churn) or at least 1s", s.Online.Churn.D())
	}
	s.checkTraffic(bad)
	s.checkStages(bad)
	if s.TTL.D() < time.Second {
		bad("ttl", "%v: want at least 1s", s.TTL.D())
	}
	if s.Drain < 0 {
		bad("drain", "%v: must not be negative", s.Drain.D())
	}
	return errors.Join(errs...)
}

func (s Scenario) checkDomains(bad func(string, string, ...any)) {
	if len(s.Domains) == 0 {
		bad("domains", "list at least one domain")
	}
	seen := map[string]bool{}
	for _, d := range s.Domains {
		if _, err := address.Parse("u0#" + d); err != nil {
			bad("domains", "%q is not a domain: %v", d, err)
		}
		if seen[d] {
			bad("domains", "%q is listed twice", d)
		}
		seen[d] = true
	}
}

func (s Scenario) checkTraffic(bad func(string, string, ...any)) {
	t := s.Traffic
	if t.Burst < 1 {
		bad("traffic.burst", "%v: want at least 1 message per conversation", t.Burst)
	}
	if t.Think < 0 {
		bad("traffic.think", "must not be negative")
	}
	if t.Size.Min < 1 || t.Size.Max < t.Size.Min || t.Size.Max > 60000 {
		bad("traffic.size", "min %d, max %d: want 1 ≤ min ≤ max ≤ 60000 bytes", t.Size.Min, t.Size.Max)
	}
	if t.Size.Median < t.Size.Min || t.Size.Median > t.Size.Max || t.Size.Sigma < 0 {
		bad("traffic.size", "median %d, sigma %v: want min ≤ median ≤ max and sigma ≥ 0", t.Size.Median, t.Size.Sigma)
	}
	g := s.Groups
	if g.Share < 0 || g.Share > 1 {
		bad("groups.share", "%v: want a share between 0 and 1", g.Share)
	}
	if g.Share > 0 && (g.Count < 1 || g.Count > maxGroups) {
		bad("groups.count", "%d: want 1 to %d groups when groups.share is above 0", g.Count, maxGroups)
	}
	if g.Share > 0 && (g.Min < 2 || g.Max < g.Min || g.Max > maxGroupMembers || g.Alpha <= 0) {
		bad("groups", "min %d, max %d, alpha %v: want 2 ≤ min ≤ max ≤ %d and alpha > 0", g.Min, g.Max, g.Alpha, maxGroupMembers)
	}
	if sh := s.Sessions.Share; sh < 0 || sh > 1 {
		bad("sessions.share", "%v: want a share between 0 and 1", sh)
	}
}

func (s Scenario) checkStages(bad func(string, string, ...any)) {
	if s.Step != nil {
		st := s.Step
		if st.Start <= 0 || st.Factor <= 1 || st.Max < st.Start || st.Max > maxRate || st.Every.D() < time.Second || st.SLO <= 0 || st.LossBudget < 0 {
			bad("step", "want start > 0, factor > 1, start ≤ max ≤ %d, every ≥ 1s, slo > 0 and loss_budget ≥ 0", maxRate)
		}
		return
	}
	if len(s.Stages) == 0 {
		bad("stages", "list at least one stage")
	}
	for i, st := range s.Stages {
		if st.Duration.D() < 100*time.Millisecond || st.Rate < 0 || st.Rate > maxRate {
			bad(fmt.Sprintf("stages[%d]", i), "duration %v, rate %v: want a duration ≥ 100ms and 0 ≤ rate ≤ %d", st.Duration.D(), st.Rate, maxRate)
		}
	}
}

// StepStages expands s.Step into stages: one flat stage per rate, Start,
// Start·Factor, … up to Max. Without Step it returns s.Stages.
func (s Scenario) StepStages() []Stage {
	if s.Step == nil {
		return s.Stages
	}
	var out []Stage
	for r := s.Step.Start; r <= s.Step.Max*1.0001; r *= s.Step.Factor {
		out = append(out, Stage{Duration: s.Step.Every, Rate: r, Hold: true})
	}
	return out
}
