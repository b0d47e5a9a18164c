package contacts

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// TestSendRequestRefusals covers every refusal of POST /contacts/requests
// and that a refused request changes nothing and tells nobody.
func TestSendRequestRefusals(t *testing.T) {
	const path = "/emsg/v1/contacts/requests"
	tests := []struct {
		name    string
		setup   func(f *fixture) // before the request; alice, bob and carol exist
		call    func(f *fixture) call
		status  int
		code    string
		movedTo string
	}{
		// no bearer token: the Authenticator's unauthorized (LOGIN-TOKEN-02)
		{name: "no token", call: func(f *fixture) call {
			return call{method: "POST", target: path, body: requestBody(f.t, "bob#a.test", f.bundleOf("alice"), "")}
		}, status: 401, code: "unauthorized"},
		// a body that is not JSON
		{name: "not json", call: func(f *fixture) call {
			return call{method: "POST", target: path, auth: token("alice"), body: []byte(`{"to":`),
				standIn: "POST " + path, standInBody: requestBody(f.t, "bob#a.test", f.bundleOf("alice"), "")}
		}, status: 400, code: "bad_request"},
		// a body of another content type (API-JSON-01)
		{name: "text/plain", call: func(f *fixture) call {
			b := requestBody(f.t, "bob#a.test", f.bundleOf("alice"), "")
			return call{method: "POST", target: path, auth: token("alice"), body: b, contentType: "text/plain",
				standIn: "POST " + path, standInBody: b}
		}, status: 400, code: "bad_request"},
		// a member the schema does not know
		{name: "unknown member", call: func(f *fixture) call {
			b := strings.Replace(string(requestBody(f.t, "bob#a.test", f.bundleOf("alice"), "")), `{`, `{"extra":1,`, 1)
			return call{method: "POST", target: path, auth: token("alice"), body: []byte(b),
				standIn: "POST " + path, standInBody: requestBody(f.t, "bob#a.test", f.bundleOf("alice"), "")}
		}, status: 400, code: "bad_request"},
		// an upper-case recipient: addresses in bodies must be canonical
		{name: "non-canonical to", call: func(f *fixture) call {
			return call{method: "POST", target: path, auth: token("alice"), body: requestBody(f.t, "Bob#a.test", f.bundleOf("alice"), ""),
				standIn: "POST " + path, standInBody: requestBody(f.t, "bob#a.test", f.bundleOf("alice"), "")}
		}, status: 400, code: "bad_request"},
		// a note longer than 1024 characters
		{name: "long note", call: func(f *fixture) call {
			return call{method: "POST", target: path, auth: token("alice"), body: requestBody(f.t, "bob#a.test", f.bundleOf("alice"), strings.Repeat("x", 1025)),
				standIn: "POST " + path, standInBody: requestBody(f.t, "bob#a.test", f.bundleOf("alice"), "")}
		}, status: 400, code: "bad_request"},
		// a body over the 1 MiB limit (LIMIT-BODY-01)
		{name: "too large", call: func(f *fixture) call {
			return call{method: "POST", target: path, auth: token("alice"), body: requestBody(f.t, "bob#a.test", f.bundleOf("alice"), strings.Repeat("x", 1<<20)),
				standIn: "POST " + path, standInBody: requestBody(f.t, "bob#a.test", f.bundleOf("alice"), "")}
		}, status: 413, code: "too_large"},
		// asking oneself
		{name: "to self", call: func(f *fixture) call {
			return call{method: "POST", target: path, auth: token("alice"), body: requestBody(f.t, "alice#a.test", f.bundleOf("alice"), "")}
		}, status: 400, code: "bad_request"},
		// a bundle whose signature does not cover its members
		{name: "forged bundle", call: func(f *fixture) call {
			return call{method: "POST", target: path, auth: token("alice"), body: requestBody(f.t, "bob#a.test", tamper(f.t, f.bundleOf("alice")), "")}
		}, status: 401, code: "bad_signature"},
		// someone else's valid bundle (CONTACT-REQ-02)
		{name: "bob's bundle", call: func(f *fixture) call {
			return call{method: "POST", target: path, auth: token("alice"), body: requestBody(f.t, "carol#a.test", f.bundleOf("bob"), "")}
		}, status: 403, code: "forbidden"},
		// alice's own bundle, but one she rotated away from (CONTACT-REQ-02)
		{name: "superseded bundle", setup: func(f *fixture) { f.rotate("alice") }, call: func(f *fixture) call {
			return call{method: "POST", target: path, auth: token("alice"), body: requestBody(f.t, "bob#a.test", canonicalBundle(f.t, f.first["alice"]), "")}
		}, status: 403, code: "forbidden"},
		// a local recipient without an account
		{name: "unknown recipient", call: func(f *fixture) call {
			return call{method: "POST", target: path, auth: token("alice"), body: requestBody(f.t, "zed#a.test", f.bundleOf("alice"), "")}
		}, status: 404, code: "not_found"},
		// a deleted recipient (DEL-GONE-01)
		{name: "deleted recipient", setup: func(f *fixture) {
			f.setAccount("bob", func(a *store.Account) { a.State = store.StateDeleted })
		}, call: func(f *fixture) call {
			return call{method: "POST", target: path, auth: token("alice"), body: requestBody(f.t, "bob#a.test", f.bundleOf("alice"), "")}
		}, status: 410, code: "gone"},
		// a recipient that moved (MOVE-ANSWER-01)
		{name: "moved recipient", setup: func(f *fixture) {
			f.setAccount("bob", func(a *store.Account) { a.State, a.MovedTo = store.StateMoved, "bob#b.test" })
		}, call: func(f *fixture) call {
			return call{method: "POST", target: path, auth: token("alice"), body: requestBody(f.t, "bob#a.test", f.bundleOf("alice"), "")}
		}, status: 410, code: "moved", movedTo: "bob#b.test"},
		// a sender that moved away (MOVE-SEND-01)
		{name: "moved sender", setup: func(f *fixture) {
			f.setAccount("alice", func(a *store.Account) { a.State, a.MovedTo = store.StateMoved, "alice#b.test" })
		}, call: func(f *fixture) call {
			return call{method: "POST", target: path, auth: token("alice"), body: requestBody(f.t, "bob#a.test", f.bundleOf("alice"), "")}
		}, status: 410, code: "moved", movedTo: "alice#b.test"},
		// a recipient that blocked the sender (DELIV-BLOCKED-01)
		{name: "blocked by recipient", setup: func(f *fixture) { f.blockDirect("bob", "alice#a.test") }, call: func(f *fixture) call {
			return call{method: "POST", target: path, auth: token("alice"), body: requestBody(f.t, "bob#a.test", f.bundleOf("alice"), "")}
		}, status: 403, code: "blocked"},
		// a recipient whose accept_requests is off (CONTACT-REQ-03)
		{name: "recipient accepts no requests", setup: func(f *fixture) {
			f.setAccount("bob", func(a *store.Account) { a.Settings.AcceptRequests = false })
		}, call: func(f *fixture) call {
			return call{method: "POST", target: path, auth: token("alice"), body: requestBody(f.t, "bob#a.test", f.bundleOf("alice"), "")}
		}, status: 403, code: "forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "alice", "bob", "carol")
			if tt.setup != nil {
				tt.setup(f)
			}
			before := f.snapshot()
			status, body := f.do(tt.call(f))
			if status != tt.status || errorCode(body) != tt.code {
				t.Fatalf("got %d %s, want %d %s", status, body, tt.status, tt.code)
			}
			if got := mustDecode(t, body)["moved_to"]; tt.movedTo != "" && got != tt.movedTo {
				t.Errorf("moved_to %v, want %s", got, tt.movedTo)
			}
			if after := f.snapshot(); after != before {
				t.Errorf("a refused request changed the state:\nbefore %s\nafter  %s", before, after)
			}
			f.wantWoken()
		})
	}
}

// TestAnswerRefusals covers the refusals of accept and decline
// (CONTACT-ACCEPT-02) and of the path parameter.
func TestAnswerRefusals(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(f *fixture) // alice, bob and carol exist; carol asked bob
		call   func(f *fixture) call
		status int
		code   string
	}{
		// nothing pending from alice
		{name: "accept without a request", call: func(f *fixture) call {
			return call{method: "POST", target: "/emsg/v1/contacts/requests/alice%23a.test/accept", auth: token("bob"), body: bundleBodyOf(f.bundleOf("bob"))}
		}, status: 404, code: "not_found"},
		// nothing pending from alice
		{name: "decline without a request", call: func(f *fixture) call {
			return call{method: "POST", target: "/emsg/v1/contacts/requests/alice%23a.test/decline", auth: token("bob")}
		}, status: 404, code: "not_found"},
		// the requester cannot accept its own request
		{name: "requester accepts", call: func(f *fixture) call {
			return call{method: "POST", target: "/emsg/v1/contacts/requests/bob%23a.test/accept", auth: token("carol"), body: bundleBodyOf(f.bundleOf("carol"))}
		}, status: 404, code: "not_found"},
		// the requester cannot decline its own request
		{name: "requester declines", call: func(f *fixture) call {
			return call{method: "POST", target: "/emsg/v1/contacts/requests/bob%23a.test/decline", auth: token("carol")}
		}, status: 404, code: "not_found"},
		// a declined request cannot be accepted afterwards
		{name: "accept after decline", setup: func(f *fixture) { f.answer("bob", "decline", "carol#a.test") }, call: func(f *fixture) call {
			return call{method: "POST", target: "/emsg/v1/contacts/requests/carol%23a.test/accept", auth: token("bob"), body: bundleBodyOf(f.bundleOf("bob"))}
		}, status: 404, code: "not_found"},
		// accepting with someone else's bundle
		{name: "accept with carol's bundle", call: func(f *fixture) call {
			return call{method: "POST", target: "/emsg/v1/contacts/requests/carol%23a.test/accept", auth: token("bob"), body: bundleBodyOf(f.bundleOf("carol"))}
		}, status: 403, code: "forbidden"},
		// accepting with a forged bundle
		{name: "accept with forged bundle", call: func(f *fixture) call {
			return call{method: "POST", target: "/emsg/v1/contacts/requests/carol%23a.test/accept", auth: token("bob"), body: bundleBodyOf(tamper(f.t, f.bundleOf("bob")))}
		}, status: 401, code: "bad_signature"},
		// accepting with an accept body missing its bundle
		{name: "accept without bundle", call: func(f *fixture) call {
			return call{method: "POST", target: "/emsg/v1/contacts/requests/carol%23a.test/accept", auth: token("bob"), body: []byte(`{}`),
				standIn: "POST /emsg/v1/contacts/requests/carol%23a.test/accept", standInBody: bundleBodyOf(f.bundleOf("bob"))}
		}, status: 400, code: "bad_request"},
		// no token
		{name: "accept without token", call: func(f *fixture) call {
			return call{method: "POST", target: "/emsg/v1/contacts/requests/carol%23a.test/accept", body: bundleBodyOf(f.bundleOf("bob"))}
		}, status: 401, code: "unauthorized"},
		// a path parameter that is no address
		{name: "decline a non-address", call: func(f *fixture) call {
			return call{method: "POST", target: "/emsg/v1/contacts/requests/carol/decline", auth: token("bob"),
				standIn: "POST /emsg/v1/contacts/requests/carol%23a.test/decline"}
		}, status: 400, code: "bad_address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "alice", "bob", "carol")
			f.request("carol", "bob#a.test")
			if tt.setup != nil {
				tt.setup(f)
			}
			f.woken.take()
			before := f.snapshot()
			status, body := f.do(tt.call(f))
			if status != tt.status || errorCode(body) != tt.code {
				t.Fatalf("got %d %s, want %d %s", status, body, tt.status, tt.code)
			}
			if after := f.snapshot(); after != before {
				t.Errorf("a refused answer changed the state:\nbefore %s\nafter  %s", before, after)
			}
			f.wantWoken()
		})
	}
}

// TestDecline: a declined request is gone on both sides and the requester
// hears contact_declined (CONTACT-DECLINE-01); it may ask again.
func TestDecline(t *testing.T) {
	f := newFixture(t, "alice", "bob")
	f.request("alice", "bob#a.test")
	f.woken.take()
	if status, body := f.answer("bob", "decline", "alice#a.test"); status != http.StatusNoContent {
		t.Fatalf("decline: %d %s", status, body)
	}
	f.wantWoken("alice#a.test")
	f.wantStates("alice", map[string]string{})
	f.wantStates("bob", map[string]string{})
	evs := f.events("alice")
	if len(evs) != 1 || evs[0]["kind"] != "contact_declined" || evs[0]["address"] != "bob#a.test" {
		t.Errorf("alice's events: %v", evs)
	}
	if got := f.pending("bob"); len(got) != 0 {
		t.Errorf("a declined request is still listed: %+v", got)
	}
	if got := f.list("alice"); len(got) != 0 {
		t.Errorf("alice still lists a declined request: %+v", got)
	}
	// Asking again is a new request with a new event.
	if status, _ := f.request("alice", "bob#a.test"); status != http.StatusAccepted {
		t.Fatalf("ask again: %d", status)
	}
	if kinds := kinds(f.events("bob")); len(kinds) != 2 {
		t.Errorf("bob's events after a second request: %v", kinds)
	}
}

// TestPathAddressesFold: an address in the URL path is case-folded.
func TestPathAddressesFold(t *testing.T) {
	f := newFixture(t, "alice", "bob")
	f.request("alice", "bob#a.test")
	status, body := f.do(call{method: "POST", target: "/emsg/v1/contacts/requests/ALICE%23A.test/accept", auth: token("bob"),
		body: bundleBodyOf(f.bundleOf("bob"))})
	if status != http.StatusOK {
		t.Fatalf("accept with an upper-case path: %d %s", status, body)
	}
	f.wantStates("bob", map[string]string{"alice#a.test": "accepted"})
}

// TestOtherPathsUnderContacts: /contacts/{address} has no GET or POST: a
// known path with another method is bad_request naming the allowed one.
func TestOtherPathsUnderContacts(t *testing.T) {
	f := newFixture(t, "alice")
	for _, method := range []string{"GET", "POST"} {
		req := newRequest(method, "/emsg/v1/contacts/bob%23a.test", token("alice"), nil, "")
		rec := newRecorderServe(f, req)
		if rec.Code != http.StatusBadRequest || errorCode(rec.Body.Bytes()) != "bad_request" || !strings.Contains(rec.Body.String(), "use DELETE") {
			t.Errorf("%s /contacts/bob%%23a.test: %d %s", method, rec.Code, rec.Body)
		}
	}
}

// rotate gives local a new key bundle chained to its first one.
func (f *fixture) rotate(local string) {
	f.t.Helper()
	first := f.people[local]
	next, err := first.Rotate(wire.Seeded("rotate "+local, epoch))
	if err != nil {
		f.t.Fatal(err)
	}
	if f.first == nil {
		f.first = map[string]*keys.Identity{}
	}
	f.first[local] = first
	f.people[local] = next
	f.write(func(tx *store.Tx) error { return tx.AppendBundle(addr(local).String(), canonicalBundle(f.t, next)) })
}

// blockDirect writes a block record of owner for other in the store.
func (f *fixture) blockDirect(owner, other string) {
	f.t.Helper()
	f.write(func(tx *store.Tx) error {
		return tx.PutContact(addr(owner).String(), store.Contact{Address: other, State: store.ContactBlocked})
	})
}

// tamper changes a signed member of a bundle, keeping it well-formed.
func tamper(t *testing.T, bundle []byte) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(bundle, &m); err != nil {
		t.Fatal(err)
	}
	m["created"] = m["created"].(float64) + 1
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// snapshot is every account's contact records, events and the remote
// queue, as text.
func (f *fixture) snapshot() string {
	f.t.Helper()
	var b strings.Builder
	for local := range f.people {
		for _, c := range f.records(local) {
			b.WriteString(local + " " + c.Address + " " + c.State + " " + string(c.Bundle) + "\n")
		}
		for _, e := range f.events(local) {
			raw, _ := json.Marshal(e)
			b.WriteString(local + " event " + string(raw) + "\n")
		}
	}
	for _, q := range f.queue(remote) {
		raw, _ := json.Marshal(q)
		b.WriteString("queue " + string(raw) + "\n")
	}
	return sortLines(b.String())
}

// sortLines sorts the lines of s, so that map order does not matter.
func sortLines(s string) string {
	lines := strings.Split(s, "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// newRecorderServe serves req without checking it against the spec (for
// requests of operations the spec does not have).
func newRecorderServe(f *fixture, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, req)
	return rec
}
