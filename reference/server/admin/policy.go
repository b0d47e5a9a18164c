package admin

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/policy"
	"github.com/emsg-project/emsg/spec"
)

// getPolicy answers GET /admin/policy.
func (s *Service) getPolicy(*http.Request, []byte) (int, any, error) {
	return http.StatusOK, s.live.Current(), nil
}

// putPolicy answers PUT /admin/policy: the checks in the spec's order,
// then the policy is stored and takes effect (ADMIN-POLICY-02).
func (s *Service) putPolicy(r *http.Request, body []byte) (int, any, error) {
	p, err := s.checkPolicy(body)
	if err != nil {
		return 0, nil, err
	}
	if err := s.live.Replace(p); err != nil {
		return 0, nil, fmt.Errorf("set policy: %w", err)
	}
	if s.hooks.PolicyChanged != nil {
		s.hooks.PolicyChanged(s.live.Current())
	}
	return http.StatusOK, s.live.Current(), nil
}

// checkPolicy parses a policy: an auto_join entry that breaks the address
// grammar is bad_address; a body the schema refuses, or a default_ttl
// above max_ttl (ADMIN-POLICY-01), is bad_request; an auto_join group not
// hosted here is not_found (ADMIN-POLICY-03).
func (s *Service) checkPolicy(body []byte) (policy.Policy, error) {
	if err := checkAutoJoinGrammar(body); err != nil {
		return policy.Policy{}, err
	}
	if err := spec.ValidateJSON("admin-policy", body); err != nil {
		return policy.Policy{}, httpapi.Errorf("bad_request", "%v", err)
	}
	var p policy.Policy
	if err := json.Unmarshal(body, &p); err != nil {
		return policy.Policy{}, httpapi.Errorf("bad_request", "policy: %v", err)
	}
	if p.DefaultTTL > p.MaxTTL {
		return policy.Policy{}, httpapi.Errorf("bad_request", "default_ttl %d exceeds max_ttl %d", p.DefaultTTL, p.MaxTTL)
	}
	for _, g := range p.AutoJoin {
		if !s.hosts(g) {
			return policy.Policy{}, httpapi.Errorf("not_found", "auto_join names %s, which is not a group hosted here", g)
		}
	}
	return p, nil
}

// checkAutoJoinGrammar answers bad_address for an auto_join string that
// is not a canonical address, before the schema would call it a
// bad_request.
func checkAutoJoinGrammar(body []byte) error {
	var probe struct {
		AutoJoin []json.RawMessage `json:"auto_join"`
	}
	if json.Unmarshal(body, &probe) != nil {
		return nil // the schema reports it
	}
	for _, raw := range probe.AutoJoin {
		var a string
		if json.Unmarshal(raw, &a) != nil {
			continue
		}
		if _, err := address.ParseCanonical(a); err != nil {
			return fmt.Errorf("auto_join: %w", err)
		}
	}
	return nil
}

// hosts reports whether group is a group of this server.
func (s *Service) hosts(group string) bool {
	a, err := address.ParseCanonical(group)
	if err != nil || a.Domain != s.cfg.Domain || s.hooks.HostsGroup == nil {
		return false
	}
	return s.hooks.HostsGroup(a.String())
}
