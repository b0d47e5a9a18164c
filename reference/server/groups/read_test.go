package groups

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/emsg-project/emsg/reference/server/store"
)

func TestCreateGroup(t *testing.T) {
	tests := []struct {
		name       string
		who        string
		body       any
		badRequest bool // the request itself breaks client.yaml on purpose
		status     int
		code       string
	}{
		// happy path: the caller becomes the only owner, the created event has seq 1 (GROUP-CREATE-01)
		{"with a local part", "alice", map[string]any{"name": "Team", "local": "team"}, false, http.StatusCreated, ""},
		// happy path: the host picks the local part
		{"without a local part", "alice", map[string]any{"name": "Team"}, false, http.StatusCreated, ""},
		// sad path: the local part of an account (GROUP-CREATE-02)
		{"an account's local part", "alice", map[string]any{"name": "Team", "local": "bob"}, false, http.StatusConflict, "address_taken"},
		// sad path: a local part that breaks the grammar
		{"bad local part", "alice", map[string]any{"name": "Team", "local": "-x-"}, true, http.StatusBadRequest, "bad_address"},
		// sad path: no name
		{"no name", "alice", map[string]any{"local": "team"}, true, http.StatusBadRequest, "bad_request"},
		// sad path: not JSON
		{"not JSON", "alice", "{", true, http.StatusBadRequest, "bad_request"},
		// sad path: nobody
		{"no credentials", "", map[string]any{"name": "Team"}, false, http.StatusUnauthorized, "unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "alice", "bob")
			status, body := f.do(tt.who, "POST", "/emsg/v1/groups", tt.body, tt.badRequest)
			if status != tt.status || errorCode(body) != tt.code {
				t.Fatalf("got %d %s, want %d %q", status, body, tt.status, tt.code)
			}
			if tt.code != "" {
				return
			}
			var g struct {
				Address string
				Seq     int
				Members []store.GroupMember
			}
			_ = json.Unmarshal(body, &g)
			if g.Seq != 1 || len(g.Members) != 1 || g.Members[0].Role != store.RoleOwner {
				t.Fatalf("created %s", body)
			}
			ev := f.last(addr("alice"))
			ge, _ := ev["group_event"].(map[string]any)
			if ge["kind"] != "created" || ge["seq"] != 1.0 || ge["group"] != g.Address {
				t.Fatalf("the owner's event %v, want created with seq 1", ev)
			}
		})
	}
}

func TestCreateRefusesATakenGroupAddressAndChangesNothing(t *testing.T) {
	f := newFixture(t, "alice")
	f.create("alice")
	before := f.group(team)
	status, body := f.do("alice", "POST", "/emsg/v1/groups", map[string]any{"name": "Other", "local": "team"}, false)
	if status != http.StatusConflict || errorCode(body) != "address_taken" {
		t.Fatalf("got %d %s, want 409 address_taken", status, body)
	}
	if after := f.group(team); after.Name != before.Name || after.Seq != before.Seq {
		t.Fatalf("the refused creation changed the group: %+v", after)
	}
}

func TestGetAndListGroups(t *testing.T) {
	f := newFixture(t, "alice", "bob", "carol")
	f.create("alice")
	f.member("alice", "bob")
	tests := []struct {
		name       string
		who        string
		target     string
		badRequest bool
		status     int
		code       string
	}{
		// happy path: a member reads the group
		{"member", "bob", teamPath, false, http.StatusOK, ""},
		// sad path: not a member
		{"stranger", "carol", teamPath, false, http.StatusForbidden, "forbidden"},
		// sad path: no such group (GROUP-UNKNOWN-01)
		{"unknown", "bob", "/emsg/v1/groups/nope%23a.test", false, http.StatusNotFound, "not_found"},
		// sad path: not an address
		{"bad address", "bob", "/emsg/v1/groups/no-domain", true, http.StatusBadRequest, "bad_address"},
		// happy path: the caller's groups
		{"list", "bob", "/emsg/v1/groups", false, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := f.do(tt.who, "GET", tt.target, nil, tt.badRequest)
			if status != tt.status || errorCode(body) != tt.code {
				t.Fatalf("got %d %s, want %d %q", status, body, tt.status, tt.code)
			}
		})
	}
	_, body := f.do("carol", "GET", "/emsg/v1/groups", nil, false)
	if string(body) != `{"groups":[]}` {
		t.Fatalf("carol's groups: %s", body)
	}
}

// errorCode is the "error" member of an error answer.
func errorCode(body []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	return e.Error
}
