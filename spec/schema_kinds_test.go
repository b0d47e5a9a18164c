package spec

import (
	"slices"
	"testing"
)

// TestUnionKindsCoverContract checks that every discriminated union names
// exactly the kinds of the protocol's working contract (frames, stream
// events, federation items, signals), so a kind added there cannot be
// forgotten here and the schemas invent none.
func TestUnionKindsCoverContract(t *testing.T) {
	cases := []struct {
		schema string
		disc   string
		want   []string
	}{
		// server→client stream frames
		{"stream-server-frame", "type", []string{"ready", "event", "signal", "result", "pong", "error"}},
		// client→server stream frames
		{"stream-client-frame", "type", []string{"ack", "send", "signal", "ping"}},
		// stream event kinds
		{"stream-event", "kind", []string{"envelope", "receipt", "contact_request", "contact_accepted",
			"contact_declined", "contact_removed", "key_rotated", "group", "group_refused", "session_ticket", "moved", "deleted", "expired"}},
		// federation item kinds
		{"fed-item", "kind", []string{"envelope", "contact_request", "contact_response", "contact_removed", "receipt",
			"group_request", "group_event", "group_post", "group_fanout", "move", "delete", "key_rotated", "session_ticket"}},
		// ephemeral signals, as delivered and as sent
		{"signal", "kind", []string{"typing", "presence"}},
		{"signal-request", "kind", []string{"typing", "presence"}},
	}
	for _, c := range cases {
		got := unionValues(t, c.schema, c.disc)
		if !sameSet(got, c.want) {
			t.Errorf("%s.json %s values = %v, want %v", c.schema, c.disc, got, c.want)
		}
		covered := exampleKinds(t, c.schema, c.disc)
		for _, k := range c.want {
			if !slices.Contains(covered, k) {
				t.Errorf("%s.json: no example of %s %q", c.schema, c.disc, k)
			}
		}
	}
}

// TestEnumsCoverContract checks the other closed enumerations.
func TestEnumsCoverContract(t *testing.T) {
	cases := []struct {
		schema string
		path   []string
		want   []string
	}{
		// group event kinds
		{"group-event", []string{"properties", "kind"}, []string{"created", "invited", "joined", "left", "kicked", "role_changed", "renamed", "dissolved"}},
		// group request operations
		{"fed-item", []string{"$defs", "group_request", "properties", "op"}, []string{"join", "leave", "invite", "kick", "role", "rename", "dissolve"}},
		// a refused group request names the same operations
		{"stream-event", []string{"$defs", "group_refused", "properties", "op"}, []string{"join", "leave", "invite", "kick", "role", "rename", "dissolve"}},
		// receipt kinds
		{"receipt", []string{"properties", "kind"}, []string{"delivered", "read", "expired", "failed"}},
		// contact states
		{"contact", []string{"properties", "state"}, []string{"accepted", "blocked", "pending_out", "pending_in"}},
		// federation result statuses
		{"fed-results", []string{"properties", "results", "items", "properties", "status"}, []string{"ok", "duplicate", "error"}},
		// roles
		{"defs", []string{"$defs", "role"}, []string{"owner", "admin", "member"}},
	}
	for _, c := range cases {
		var node any = schemaDoc(t, c.schema)
		for _, p := range c.path {
			node = node.(map[string]any)[p]
		}
		var got []string
		for _, v := range node.(map[string]any)["enum"].([]any) {
			got = append(got, v.(string))
		}
		if !sameSet(got, c.want) {
			t.Errorf("%s.json %v enum = %v, want %v", c.schema, c.path, got, c.want)
		}
	}
}

// exampleKinds lists the discriminator values the schema's examples use.
func exampleKinds(t *testing.T, schema, disc string) []string {
	t.Helper()
	var out []string
	examples, _ := schemaDoc(t, schema)["examples"].([]any)
	for _, ex := range examples {
		if k, ok := ex.(map[string]any)[disc].(string); ok {
			out = append(out, k)
		}
	}
	return out
}

// sameSet reports whether a and b hold the same strings, ignoring order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
