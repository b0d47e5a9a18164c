package groups

import (
	"net/http"
	"testing"

	"github.com/emsg-project/emsg/reference/server/store"
)

// refusal is the group_refused event expected for a request, or none.
func (f *fixture) refusedWith(who, id string) string {
	f.t.Helper()
	for _, ev := range f.events(addr(who)) {
		if ev["kind"] == "group_refused" && ev["id"] == id {
			return ev["error"].(string)
		}
	}
	return ""
}

func TestGroupOperationsOnALocalGroup(t *testing.T) {
	tests := []struct {
		name   string
		who    string
		method string
		target string
		body   any
		// refused is the code of the group_refused event, "" when the
		// operation succeeds.
		refused string
	}{
		// happy path: the owner invites an account
		{"invite", "alice", "POST", teamPath + "/invites", map[string]any{"address": addr("carol")}, ""},
		// sad path: a member may not invite (GROUP-AUTHZ-01)
		{"member invites", "bob", "POST", teamPath + "/invites", map[string]any{"address": addr("carol")}, "forbidden"},
		// sad path: an outsider may not invite
		{"outsider invites", "carol", "POST", teamPath + "/invites", map[string]any{"address": addr("dave")}, "forbidden"},
		// sad path: no local account of that name
		{"invite nobody", "alice", "POST", teamPath + "/invites", map[string]any{"address": addr("zed")}, "not_found"},
		// sad path: join without an invitation (GROUP-JOIN-01)
		{"join uninvited", "carol", "POST", teamPath + "/join", nil, "forbidden"},
		// sad path: the owner may not leave (GROUP-LEAVE-01)
		{"owner leaves", "alice", "POST", teamPath + "/leave", nil, "forbidden"},
		// sad path: a non-member leaves (GROUP-LEAVE-01)
		{"stranger leaves", "carol", "POST", teamPath + "/leave", nil, "not_found"},
		// happy path: a member leaves
		{"member leaves", "bob", "POST", teamPath + "/leave", nil, ""},
		// sad path: a member may not kick
		{"member kicks", "bob", "POST", teamPath + "/kick", map[string]any{"address": addr("alice")}, "forbidden"},
		// sad path: kick a non-member
		{"kick stranger", "alice", "POST", teamPath + "/kick", map[string]any{"address": addr("carol")}, "not_found"},
		// happy path: the owner kicks a member
		{"kick", "alice", "POST", teamPath + "/kick", map[string]any{"address": addr("bob")}, ""},
		// sad path: a member may not rename
		{"member renames", "bob", "PATCH", teamPath, map[string]any{"name": "Mine"}, "forbidden"},
		// happy path: the owner renames
		{"rename", "alice", "PATCH", teamPath, map[string]any{"name": "Ours"}, ""},
		// sad path: only the owner changes roles
		{"member sets a role", "bob", "PUT", teamPath + "/members/bob%23a.test/role", map[string]any{"role": "admin"}, "forbidden"},
		// happy path: the owner makes a member an admin
		{"role", "alice", "PUT", teamPath + "/members/bob%23a.test/role", map[string]any{"role": "admin"}, ""},
		// sad path: only the owner dissolves
		{"member dissolves", "bob", "DELETE", teamPath, nil, "forbidden"},
		// happy path: the owner dissolves
		{"dissolve", "alice", "DELETE", teamPath, nil, ""},
		// sad path: a group nobody hosts (GROUP-UNKNOWN-01)
		{"unknown group", "alice", "POST", "/emsg/v1/groups/nope%23a.test/leave", nil, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "alice", "bob", "carol", "dave")
			f.create("alice")
			f.member("alice", "bob")
			before := f.group(team)
			id := f.op(tt.who, tt.method, tt.target, tt.body)
			after := f.group(team)
			if got := f.refusedWith(tt.who, id); got != tt.refused {
				t.Fatalf("refused with %q, want %q", got, tt.refused)
			}
			switch {
			case tt.refused != "" && after.Seq != before.Seq:
				t.Fatalf("a refused request changed the group: seq %d → %d", before.Seq, after.Seq)
			case tt.refused == "" && after.Seq != before.Seq+1:
				t.Fatalf("seq %d → %d, want one event", before.Seq, after.Seq)
			}
		})
	}
}

func TestGroupEventsReachEveryMemberAndTheTargetInOrder(t *testing.T) {
	f := newFixture(t, "alice", "bob", "carol")
	f.create("alice")
	f.member("alice", "bob")
	f.op("alice", "POST", teamPath+"/invites", map[string]any{"address": addr("carol")})
	f.op("alice", "POST", teamPath+"/invites", map[string]any{"address": addr("carol")}) // a repeat: no new event
	f.op("alice", "POST", teamPath+"/kick", map[string]any{"address": addr("bob")})
	wantKinds := map[string][]string{
		"alice": {"created", "invited", "joined", "invited", "kicked"},
		"bob":   {"invited", "joined", "invited", "kicked"},
		"carol": {"invited"},
	}
	for who, want := range wantKinds {
		var kinds []string
		var seqs []float64
		for _, ev := range f.events(addr(who)) {
			ge := ev["group_event"].(map[string]any)
			kinds = append(kinds, ge["kind"].(string))
			seqs = append(seqs, ge["seq"].(float64))
		}
		if len(kinds) != len(want) {
			t.Fatalf("%s saw %v, want %v", who, kinds, want)
		}
		for i := range want {
			if kinds[i] != want[i] || i > 0 && seqs[i] <= seqs[i-1] {
				t.Fatalf("%s saw %v at %v, want %v in seq order", who, kinds, seqs, want)
			}
		}
	}
}

func TestOwnershipTransferIsOneEvent(t *testing.T) {
	f := newFixture(t, "alice", "bob")
	f.create("alice")
	f.member("alice", "bob")
	f.op("alice", "PUT", teamPath+"/members/bob%23a.test/role", map[string]any{"role": "owner"})
	g := f.group(team)
	if g.Owner != addr("bob") || g.Role(addr("bob")) != store.RoleOwner || g.Role(addr("alice")) != store.RoleAdmin {
		t.Fatalf("after the transfer: %+v", g)
	}
	ge := f.last(addr("alice"))["group_event"].(map[string]any)
	if ge["kind"] != "role_changed" || ge["target"] != addr("bob") || ge["role"] != "owner" || ge["actor"] != addr("alice") {
		t.Fatalf("the transfer event %v (GROUP-OWNER-01)", ge)
	}
}

func TestADissolvedGroupIsGone(t *testing.T) {
	f := newFixture(t, "alice", "bob")
	f.create("alice")
	f.member("alice", "bob")
	f.op("alice", "DELETE", teamPath, nil)
	id := f.op("bob", "POST", teamPath+"/leave", nil)
	if got := f.refusedWith("bob", id); got != "gone" {
		t.Fatalf("leave after dissolution refused with %q, want gone (GROUP-DISSOLVE-01)", got)
	}
	status, body := f.do("bob", "GET", teamPath, nil, false)
	if status != http.StatusNotFound {
		t.Fatalf("GET a dissolved group: %d %s", status, body)
	}
	status, _ = f.do("alice", "POST", "/emsg/v1/groups", map[string]any{"name": "Again", "local": "team"}, false)
	if status != http.StatusConflict {
		t.Fatalf("the address of a dissolved group is free again: %d", status)
	}
}

func TestOperationsOnARemoteGroupAreForwarded(t *testing.T) {
	f := newFixture(t, "alice")
	remotePath := "/emsg/v1/groups/club%23b.test"
	tests := []struct {
		name   string
		method string
		target string
		body   any
		op     string
	}{
		// happy path: join is forwarded as a group_request (GROUP-FORWARD-01)
		{"join", "POST", remotePath + "/join", nil, "join"},
		// happy path: invite carries the target
		{"invite", "POST", remotePath + "/invites", map[string]any{"address": "dave#c.test"}, "invite"},
		// happy path: role carries target and role
		{"role", "PUT", remotePath + "/members/dave%23c.test/role", map[string]any{"role": "admin"}, "role"},
		// happy path: rename carries the name
		{"rename", "PATCH", remotePath, map[string]any{"name": "New"}, "rename"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := f.op("alice", tt.method, tt.target, tt.body)
			items := f.queue(remote)
			if len(items) != i+1 {
				t.Fatalf("%d items queued for %s, want %d", len(items), remote, i+1)
			}
			it := items[i]
			if it["kind"] != "group_request" || it["id"] != id || it["op"] != tt.op || it["actor"] != addr("alice") {
				t.Fatalf("queued %v, want a group_request %s with the id %s (GROUP-FORWARD-02)", it, tt.op, id)
			}
		})
	}
}

func TestBadInputIsRefusedBeforeAcceptance(t *testing.T) {
	f := newFixture(t, "alice")
	f.create("alice")
	tests := []struct {
		name       string
		method     string
		target     string
		body       any
		badRequest bool
		status     int
		code       string
	}{
		// sad path: a group path that is no address
		{"bad group", "POST", "/emsg/v1/groups/nope/join", nil, true, http.StatusBadRequest, "bad_address"},
		// sad path: an invite without an address
		{"no address", "POST", teamPath + "/invites", map[string]any{}, true, http.StatusBadRequest, "bad_request"},
		// sad path: an invite of something that is no address
		{"bad address", "POST", teamPath + "/invites", map[string]any{"address": "Bob@b"}, true, http.StatusBadRequest, "bad_address"},
		// sad path: a role that does not exist
		{"bad role", "PUT", teamPath + "/members/bob%23a.test/role", map[string]any{"role": "king"}, true, http.StatusBadRequest, "bad_request"},
		// sad path: an empty name
		{"empty name", "PATCH", teamPath, map[string]any{"name": ""}, true, http.StatusBadRequest, "bad_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.group(team)
			status, body := f.do("alice", tt.method, tt.target, tt.body, tt.badRequest)
			if status != tt.status || errorCode(body) != tt.code {
				t.Fatalf("got %d %s, want %d %q", status, body, tt.status, tt.code)
			}
			if after := f.group(team); after.Seq != before.Seq || len(f.events(addr("alice"))) != 1 {
				t.Fatalf("bad input changed state")
			}
		})
	}
}
