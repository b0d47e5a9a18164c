package contacts

import (
	"net/http"
	"testing"
)

// TestRemove: removing an accepted contact removes it on both sides and
// tells the other side (CONTACT-REMOVE-01).
func TestRemove(t *testing.T) {
	f := newFixture(t, "alice", "bob")
	f.befriend("alice", "bob")
	f.woken.take()
	status, body := f.do(call{method: "DELETE", target: "/emsg/v1/contacts/bob%23a.test", auth: token("alice")})
	if status != http.StatusNoContent {
		t.Fatalf("remove: %d %s", status, body)
	}
	f.wantWoken("bob#a.test")
	f.wantStates("alice", map[string]string{})
	f.wantStates("bob", map[string]string{})
	evs := f.events("bob")
	last := evs[len(evs)-1]
	if last["kind"] != "contact_removed" || last["address"] != "alice#a.test" {
		t.Errorf("bob's last event: %v", last)
	}
	if evs := f.events("alice"); len(evs) != 1 { // the contact_accepted of befriend
		t.Errorf("the remover got events: %v", evs)
	}
}

// TestRemoveRefusals: not_found unless the address is an accepted
// contact; nothing changes.
func TestRemoveRefusals(t *testing.T) {
	tests := []struct {
		name   string
		target string
		status int
		code   string
	}{
		// never a contact
		{"stranger", "/emsg/v1/contacts/carol%23a.test", 404, "not_found"},
		// alice asked dave, who has not answered: a request is not a contact
		{"pending out", "/emsg/v1/contacts/dave%23a.test", 404, "not_found"},
		// erin asked alice: answered with decline, not remove
		{"pending in", "/emsg/v1/contacts/erin%23a.test", 404, "not_found"},
		// alice blocked frank: lifted with unblock, not remove
		{"blocked", "/emsg/v1/contacts/frank%23a.test", 404, "not_found"},
		// not an address
		{"bad address", "/emsg/v1/contacts/frank", 400, "bad_address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "alice", "carol", "dave", "erin", "frank")
			f.request("alice", "dave#a.test")
			f.request("erin", "alice#a.test")
			f.do(call{method: "PUT", target: "/emsg/v1/contacts/frank%23a.test/block", auth: token("alice")})
			f.woken.take()
			before := f.snapshot()
			c := call{method: "DELETE", target: tt.target, auth: token("alice")}
			if tt.code == "bad_address" {
				c.standIn = "DELETE /emsg/v1/contacts/frank%23a.test"
			}
			status, body := f.do(c)
			if status != tt.status || errorCode(body) != tt.code {
				t.Fatalf("got %d %s, want %d %s", status, body, tt.status, tt.code)
			}
			if after := f.snapshot(); after != before {
				t.Errorf("a refused remove changed the state:\nbefore %s\nafter  %s", before, after)
			}
			f.wantWoken()
		})
	}
}

// TestBlock: a block works for any address, keeps what the blocker knew,
// and tells nobody (CONTACT-BLOCK-01); the blocked party's requests are
// then refused with blocked.
func TestBlock(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(f *fixture) // alice, bob exist
		target string           // whom alice blocks
		// what alice's list shows for the blocked address afterwards, and
		// bob's records
		bundle  string // local part whose bundle alice keeps, "" none
		bobWant map[string]string
	}{
		// a local stranger: no bundle, bob has no record
		{name: "local stranger", target: "bob#a.test", bobWant: map[string]string{}},
		// an address on another server, never met: nothing is queued for it
		{name: "remote stranger", target: "zed#d.test", bobWant: map[string]string{}},
		// an address on a server that does not exist, or any valid one
		{name: "unknown local", target: "nobody#a.test", bobWant: map[string]string{}},
		// an accepted contact: alice keeps bob's bundle, bob's side is untouched
		{name: "contact", setup: func(f *fixture) { f.befriend("bob", "alice") }, target: "bob#a.test", bundle: "bob",
			bobWant: map[string]string{"alice#a.test": "accepted"}},
		// bob's pending request: alice keeps the bundle it carried, bob still waits
		{name: "requester", setup: func(f *fixture) { f.request("bob", "alice#a.test") }, target: "bob#a.test", bundle: "bob",
			bobWant: map[string]string{"alice#a.test": "pending_out"}},
		// alice's own pending request to bob is withdrawn without an event
		{name: "asked", setup: func(f *fixture) { f.request("alice", "bob#a.test") }, target: "bob#a.test",
			bobWant: map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "alice", "bob")
			if tt.setup != nil {
				tt.setup(f)
			}
			f.woken.take()
			bobEvents := len(f.events("bob"))
			for range 2 { // blocking twice is harmless
				status, body := f.do(call{method: "PUT", target: "/emsg/v1/contacts/" + pathEscape(tt.target) + "/block", auth: token("alice")})
				if status != http.StatusNoContent {
					t.Fatalf("block: %d %s", status, body)
				}
			}
			f.wantWoken()
			f.wantStates("alice", map[string]string{tt.target: "blocked"})
			f.wantStates("bob", tt.bobWant)
			if n := len(f.events("bob")); n != bobEvents {
				t.Errorf("bob got %d new events", n-bobEvents)
			}
			if q := f.queue(remote); len(q) != 0 {
				t.Errorf("blocking queued items: %v", q)
			}
			l := f.list("alice")
			if len(l) != 1 || l[0].State != "blocked" || (tt.bundle == "") != (l[0].Bundle == nil) ||
				tt.bundle != "" && !jsonEqual(t, l[0].Bundle, f.bundleOf(tt.bundle)) {
				t.Errorf("alice's list: %+v, want %s blocked with the bundle of %q", l, tt.target, tt.bundle)
			}
			if tt.target != "bob#a.test" {
				return
			}
			if status, _ := f.request("bob", "alice#a.test"); status != http.StatusForbidden {
				t.Errorf("a request from the blocked bob: %d, want 403 blocked", status)
			}
			if status, _ := f.answer("bob", "accept", "alice#a.test"); status != http.StatusNotFound && tt.name == "asked" {
				t.Errorf("bob accepts a withdrawn request: %d, want 404", status)
			}
		})
	}
}

// TestUnblock: unblocking removes the block and restores nothing
// (CONTACT-UNBLOCK-01); unblocking what is not blocked changes nothing.
func TestUnblock(t *testing.T) {
	f := newFixture(t, "alice", "bob", "carol")
	f.befriend("alice", "bob")
	f.befriend("alice", "carol")
	f.woken.take()
	f.do(call{method: "PUT", target: "/emsg/v1/contacts/bob%23a.test/block", auth: token("alice")})
	for range 2 { // the second is a no-op
		if status, body := f.do(call{method: "DELETE", target: "/emsg/v1/contacts/bob%23a.test/block", auth: token("alice")}); status != http.StatusNoContent {
			t.Fatalf("unblock: %d %s", status, body)
		}
	}
	// carol was never blocked: her contact stays
	if status, _ := f.do(call{method: "DELETE", target: "/emsg/v1/contacts/carol%23a.test/block", auth: token("alice")}); status != http.StatusNoContent {
		t.Errorf("unblock of a contact that is not blocked: %d", status)
	}
	f.wantWoken()
	f.wantStates("alice", map[string]string{"carol#a.test": "accepted"})
	// bob may ask again, as a stranger
	if status, _ := f.request("bob", "alice#a.test"); status != http.StatusAccepted {
		t.Errorf("bob asks after the unblock: %d", status)
	}
	f.wantStates("alice", map[string]string{"carol#a.test": "accepted", "bob#a.test": "pending_in"})
}

// TestBlockRefusals: the path parameter must be an address and the caller
// authenticated.
func TestBlockRefusals(t *testing.T) {
	tests := []struct {
		name, method, target, auth string
		status                     int
		code                       string
	}{
		// no local part separator
		{"block a non-address", "PUT", "/emsg/v1/contacts/bob/block", token("alice"), 400, "bad_address"},
		// no local part separator
		{"unblock a non-address", "DELETE", "/emsg/v1/contacts/bob/block", token("alice"), 400, "bad_address"},
		// no token
		{"block without token", "PUT", "/emsg/v1/contacts/bob%23a.test/block", "", 401, "unauthorized"},
		// no token
		{"unblock without token", "DELETE", "/emsg/v1/contacts/bob%23a.test/block", "", 401, "unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "alice", "bob")
			c := call{method: tt.method, target: tt.target, auth: tt.auth}
			if tt.code == "bad_address" {
				c.standIn = tt.method + " /emsg/v1/contacts/bob%23a.test/block"
			}
			status, body := f.do(c)
			if status != tt.status || errorCode(body) != tt.code {
				t.Fatalf("got %d %s, want %d %s", status, body, tt.status, tt.code)
			}
			f.wantStates("alice", map[string]string{})
		})
	}
}

// befriend makes a and b accepted contacts through the API.
func (f *fixture) befriend(a, b string) {
	f.t.Helper()
	if status, _ := f.request(a, b+"#a.test"); status != http.StatusAccepted {
		f.t.Fatalf("%s asks %s: %d", a, b, status)
	}
	if status, body := f.answer(b, "accept", a+"#a.test"); status != http.StatusOK {
		f.t.Fatalf("%s accepts %s: %d %s", b, a, status, body)
	}
}
