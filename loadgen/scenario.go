package loadgen

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/goccy/go-yaml"
)

// Scenario is a workload: who the users are, whom they know, when they are
// online, and when they talk. Everything a run does derives from a
// Scenario and its Seed, so two processes given the same scenario compute
// the same users, keys, contacts and schedule ([Plan]); that is how shards
// divide a run without a coordinator.
//
// Scenarios are YAML files decoded strictly ([ParseScenario]): an unknown
// or misspelt key is an error naming it, never silently ignored. Zero
// values take the defaults of [DefaultScenario].
type Scenario struct {
	Name string `yaml:"name" json:"name"`
	Seed string `yaml:"seed" json:"seed"`

	Domains        []string `yaml:"domains" json:"domains"`                   // the domains, e.g. a.test, b.test, c.test
	UsersPerDomain int      `yaml:"users_per_domain" json:"users_per_domain"` // accounts on each domain

	Contacts Contacts `yaml:"contacts" json:"contacts"`
	Online   Online   `yaml:"online" json:"online"`
	Traffic  Traffic  `yaml:"traffic" json:"traffic"`
	Groups   Groups   `yaml:"groups" json:"groups"`
	Sessions Sessions `yaml:"sessions" json:"sessions"`

	// Stages are the open-model arrival rate over time: each stage ramps
	// linearly from the previous stage's rate (0 before the first) to its
	// own Rate over its Duration. A stage with Hold true keeps Rate flat.
	Stages []Stage `yaml:"stages" json:"stages"`

	// Step, when set, replaces Stages by a staircase that raises the rate
	// until an SLO breaks: see [Step].
	Step *Step `yaml:"step,omitempty" json:"step,omitempty"`

	TTL   Duration `yaml:"ttl" json:"ttl"`     // envelope ttl
	Drain Duration `yaml:"drain" json:"drain"` // how long to wait for deliveries after the last send
}

// Contacts shapes the contacts graph: every user has about Count contacts,
// CrossDomain of them (a share, 0..1) on other domains.
type Contacts struct {
	Count       int     `yaml:"count" json:"count"`
	CrossDomain float64 `yaml:"cross_domain" json:"cross_domain"`
}

// Online says who is connected when. Fraction of the users are online at
// any time; with Churn set, each user alternates online and offline spans
// of mean Fraction·Churn and (1−Fraction)·Churn, so messages to offline
// users queue on their server and arrive when they come back.
type Online struct {
	Fraction float64  `yaml:"fraction" json:"fraction"`
	Churn    Duration `yaml:"churn" json:"churn"`
}

// Traffic shapes 1:1 conversations: a conversation is a burst of about
// Burst messages between a user and one contact, the two taking turns,
// Think apart on average; message bodies are log-normally distributed
// around Size.Median bytes, clipped to [Size.Min, Size.Max].
type Traffic struct {
	Burst float64  `yaml:"burst" json:"burst"`
	Think Duration `yaml:"think" json:"think"`
	Size  Sizes    `yaml:"size" json:"size"`
}

// Sizes is a clipped log-normal distribution of body sizes in bytes.
type Sizes struct {
	Median int     `yaml:"median" json:"median"`
	Sigma  float64 `yaml:"sigma" json:"sigma"`
	Min    int     `yaml:"min" json:"min"`
	Max    int     `yaml:"max" json:"max"`
}

// Groups shapes group traffic (the servers must offer the groups
// profile). Count groups exist, each hosted on its creator's server; their
// sizes are heavy-tailed (Pareto, shape Alpha) in [Min, Max] members,
// owner included; members come from every domain, drawn by a skewed
// popularity so that a few users are in many groups. Share of
// conversations are group conversations: a burst of posts to one group by
// its members. With Share 0 no group is made.
type Groups struct {
	Count int     `yaml:"count" json:"count"`
	Share float64 `yaml:"share" json:"share"`
	Min   int     `yaml:"min" json:"min"`
	Max   int     `yaml:"max" json:"max"`
	Alpha float64 `yaml:"alpha" json:"alpha"`
}

// Sessions shapes session traffic (section 5 of the spec; the servers
// must offer the sessions profile). Share of the cross-domain contact
// pairs are session pairs: their conversations always start with the same
// user, the initiator, and the peer's client opens the session socket at
// the initiator's server with the ticket it receives, so that one server
// carries the conversation: the initiator's messages arrive on the
// socket, the peer's replies go out on it. The other pairs ignore their
// tickets and use ordinary delivery.
type Sessions struct {
	Share float64 `yaml:"share" json:"share"`
}

// Stage is one step of the arrival rate, in messages per second.
type Stage struct {
	Duration Duration `yaml:"duration" json:"duration"`
	Rate     float64  `yaml:"rate" json:"rate"`
	Hold     bool     `yaml:"hold" json:"hold"`
}

// Step is the knee search: the rate starts at Start messages per second
// and grows by Factor every Every, up to Max, while the p99 latency of each
// step stays under SLO and it loses at most LossBudget (a share) of its
// messages. The knee is the highest rate of a step that passed.
type Step struct {
	Start      float64  `yaml:"start" json:"start"`
	Factor     float64  `yaml:"factor" json:"factor"`
	Every      Duration `yaml:"every" json:"every"`
	Max        float64  `yaml:"max" json:"max"`
	SLO        Duration `yaml:"slo" json:"slo"`
	LossBudget float64  `yaml:"loss_budget" json:"loss_budget"`
}

// Duration is a time.Duration written as "30s" or "2m" in scenario files.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("duration %q: want a number with a unit, like 30s or 2m", b)
	}
	*d = Duration(v)
	return nil
}

// DefaultScenario is `make load`'s workload: 3,000 users on three domains
// with five contacts each, 60 % of them cross-domain, everyone online, a
// 10-second ramp to 100 messages per second held for 50 seconds; a tenth
// of the conversations are posts to one of 60 groups of 3 to 100 members,
// and a third of the cross-domain pairs talk through sessions.
func DefaultScenario() Scenario {
	return Scenario{
		Name:           "default",
		Seed:           "emsg-load",
		Domains:        []string{"a.test", "b.test", "c.test"},
		UsersPerDomain: 1000,
		Contacts:       Contacts{Count: 5, CrossDomain: 0.6},
		Online:         Online{Fraction: 1},
		Traffic: Traffic{Burst: 4, Think: Duration(3 * time.Second),
			Size: Sizes{Median: 200, Sigma: 1, Min: 1, Max: 16384}},
		Groups:   Groups{Count: 60, Share: 0.1, Min: 3, Max: 100, Alpha: 1.3},
		Sessions: Sessions{Share: 0.3},
		Stages: []Stage{{Duration: Duration(10 * time.Second), Rate: 100},
			{Duration: Duration(50 * time.Second), Rate: 100, Hold: true}},
		TTL:   Duration(time.Hour),
		Drain: Duration(30 * time.Second),
	}
}

// ParseScenario decodes a YAML scenario strictly over the defaults and
// checks it. Errors name the line and the key.
func ParseScenario(raw []byte) (Scenario, error) {
	s := DefaultScenario()
	dec := yaml.NewDecoder(bytes.NewReader(raw), yaml.DisallowUnknownField())
	err := dec.Decode(&s)
	if errors.Is(err, io.EOF) {
		s = DefaultScenario() // an empty document (the decoder zeroed s)
	} else if err != nil {
		return Scenario{}, fmt.Errorf("scenario: %s", yaml.FormatError(err, false, true))
	}
	if err := s.Check(); err != nil {
		return Scenario{}, err
	}
	return s, nil
}

// LoadScenario reads and parses a scenario file.
func LoadScenario(path string) (Scenario, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Scenario{}, fmt.Errorf("scenario: %w", err)
	}
	return ParseScenario(raw)
}

// Users is the number of users of the scenario.
func (s Scenario) Users() int { return len(s.Domains) * s.UsersPerDomain }

// Duration is how long the schedule runs: the sum of its stages.
func (s Scenario) Duration() time.Duration {
	var d time.Duration
	for _, st := range s.StepStages() {
		d += st.Duration.D()
	}
	return d
}
