package admin

import (
	"encoding/json"
	"testing"

	"github.com/emsg-project/emsg/reference/server/policy"
)

func TestPolicyReadAndReplace(t *testing.T) {
	l := newLab(t)
	var p policy.Policy
	_ = json.Unmarshal(l.want(request{method: "GET", target: "/emsg/v1/admin/policy"}, 200, ""), &p)
	if p.Registration != "open" || p.MaxTTL != 2592000 {
		t.Fatalf("the starting policy %+v is not the configuration's", p)
	}
	next := []byte(`{"registration":"invite","auto_join":["lobby#a.test"],"max_ttl":3600,"default_ttl":600,"rate_limits":{"messages":10}}`)
	for range 2 { // putting the same policy twice is harmless
		_ = json.Unmarshal(l.want(request{method: "PUT", target: "/emsg/v1/admin/policy", body: next}, 200, ""), &p)
	}
	if p.Registration != "invite" || l.live.Current().MaxTTL != 3600 || l.live.Current().RateLimits["messages"] != 10 {
		t.Fatalf("answered %+v; in force %+v", p, l.live.Current())
	}
}

func TestPolicyRefusals(t *testing.T) {
	l := newLab(t)
	tests := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		// default_ttl above max_ttl (ADMIN-POLICY-01).
		{"default above max", `{"registration":"open","auto_join":[],"max_ttl":60,"default_ttl":61,"rate_limits":{}}`, 400, "bad_request"},
		// The schema: an unknown registration policy.
		{"unknown registration", `{"registration":"closed","auto_join":[],"max_ttl":60,"default_ttl":60,"rate_limits":{}}`, 400, "bad_request"},
		// The schema: a member missing.
		{"no rate_limits", `{"registration":"open","auto_join":[],"max_ttl":60,"default_ttl":60}`, 400, "bad_request"},
		// An auto_join entry that breaks the address grammar.
		{"a bad group address", `{"registration":"open","auto_join":["Lobby#a.test"],"max_ttl":60,"default_ttl":60,"rate_limits":{}}`, 400, "bad_address"},
		// A group not hosted here (ADMIN-POLICY-03).
		{"an unknown group", `{"registration":"open","auto_join":["nope#a.test"],"max_ttl":60,"default_ttl":60,"rate_limits":{}}`, 404, "not_found"},
		// A group of another server.
		{"a remote group", `{"registration":"open","auto_join":["lobby#b.test"],"max_ttl":60,"default_ttl":60,"rate_limits":{}}`, 404, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l.want(request{method: "PUT", target: "/emsg/v1/admin/policy", body: []byte(tt.body)}, tt.status, tt.code)
			if l.live.Current().MaxTTL != 2592000 {
				t.Fatalf("a refused policy took effect: %+v", l.live.Current())
			}
		})
	}
}
