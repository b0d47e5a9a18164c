package policy

import (
	"maps"
	"slices"

	"github.com/emsg-project/emsg/reference/server/config"
)

// Rate limit names: the rate_limits members the reference server applies,
// in requests per minute (registration and login per client network
// address, messages per account, federation transactions per origin).
const (
	RateRegister   = "register"
	RateLogin      = "login"
	RateMessages   = "messages"
	RateFederation = "federation"
)

// Policy is admin-policy.json.
type Policy struct {
	Registration string         `json:"registration"`
	AutoJoin     []string       `json:"auto_join"`
	MaxTTL       int            `json:"max_ttl"`
	DefaultTTL   int            `json:"default_ttl"`
	RateLimits   map[string]int `json:"rate_limits"`
}

// FromConfig is the policy cfg sets.
func FromConfig(cfg config.Config) Policy {
	return Policy{
		Registration: cfg.Registration,
		AutoJoin:     []string{},
		MaxTTL:       cfg.MaxTTL,
		DefaultTTL:   cfg.DefaultTTL,
		RateLimits: map[string]int{
			RateRegister:   cfg.RateRegister,
			RateLogin:      cfg.RateLogin,
			RateMessages:   cfg.RateMessages,
			RateFederation: cfg.RateFederation,
		},
	}
}

// clone returns a deep copy, so that no caller shares the maps and slices
// of the policy in force.
func (p Policy) clone() Policy {
	p.AutoJoin = slices.Clone(p.AutoJoin)
	if p.AutoJoin == nil {
		p.AutoJoin = []string{}
	}
	p.RateLimits = maps.Clone(p.RateLimits)
	if p.RateLimits == nil {
		p.RateLimits = map[string]int{}
	}
	return p
}

// Rate is the per-minute limit named name, and whether the policy sets it.
func (p Policy) Rate(name string) (int, bool) {
	n, ok := p.RateLimits[name]
	return n, ok
}
