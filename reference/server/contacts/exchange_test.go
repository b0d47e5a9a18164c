package contacts

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/server/store"
)

// TestKeyExchange runs section 4's example between two local accounts:
// request, event, listing, accept, event, both sides accepted
// (CONTACT-REQ-01, CONTACT-ACCEPT-01).
func TestKeyExchange(t *testing.T) {
	f := newFixture(t, "alice", "bob")
	status, body := f.do(call{method: "POST", target: "/emsg/v1/contacts/requests", auth: token("alice"),
		body: requestBody(t, "bob#a.test", f.bundleOf("alice"), "hi, Alice from work")})
	if status != http.StatusAccepted {
		t.Fatalf("request: %d %s", status, body)
	}
	var answer struct{ ID string }
	if err := json.Unmarshal(body, &answer); err != nil {
		t.Fatal(err)
	}
	f.wantWoken("bob#a.test")
	f.wantStates("alice", map[string]string{"bob#a.test": "pending_out"})
	f.wantStates("bob", map[string]string{"alice#a.test": "pending_in"})
	if evs := f.events("alice"); len(evs) != 0 {
		t.Errorf("the requester got events: %v", evs)
	}

	evs := f.events("bob")
	if len(evs) != 1 || evs[0]["kind"] != "contact_request" {
		t.Fatalf("bob's events: %v", evs)
	}
	req := evs[0]["request"].(map[string]any)
	if req["id"] != answer.ID || req["from"] != "alice#a.test" || req["to"] != "bob#a.test" ||
		req["note"] != "hi, Alice from work" || req["ts"] != float64(epoch.UnixMilli()) {
		t.Errorf("the event's request: %v (answered id %s)", req, answer.ID)
	}
	if !jsonEqual(t, req["bundle"], f.bundleOf("alice")) {
		t.Errorf("the event carries bundle %v, want alice's", req["bundle"])
	}
	if listed := f.pending("bob"); len(listed) != 1 || listed[0].ID != answer.ID || listed[0].Note != "hi, Alice from work" {
		t.Errorf("bob's pending requests: %+v", listed)
	}
	if listed := f.pending("alice"); len(listed) != 0 {
		t.Errorf("alice lists requests she sent: %+v", listed)
	}

	status, body = f.answer("bob", "accept", "alice#a.test")
	if status != http.StatusOK || !jsonEqual(t, mustDecode(t, body)["bundle"], f.bundleOf("alice")) {
		t.Fatalf("accept: %d %s, want alice's bundle", status, body)
	}
	f.wantWoken("alice#a.test")
	f.wantStates("alice", map[string]string{"bob#a.test": "accepted"})
	f.wantStates("bob", map[string]string{"alice#a.test": "accepted"})
	evs = f.events("alice")
	if len(evs) != 1 || evs[0]["kind"] != "contact_accepted" || evs[0]["address"] != "bob#a.test" ||
		!jsonEqual(t, evs[0]["bundle"], f.bundleOf("bob")) {
		t.Errorf("alice's events: %v", evs)
	}
	if listed := f.pending("bob"); len(listed) != 0 {
		t.Errorf("an accepted request is still pending: %+v", listed)
	}
	for who, other := range map[string]string{"alice": "bob", "bob": "alice"} {
		l := f.list(who)
		if len(l) != 1 || l[0].Address != other+"#a.test" || l[0].State != "accepted" || !jsonEqual(t, l[0].Bundle, f.bundleOf(other)) {
			t.Errorf("GET /contacts of %s: %+v", who, l)
		}
	}

	// Accepting again answers the same and pushes nothing (x-emsg-idempotency).
	status, body = f.answer("bob", "accept", "alice#a.test")
	if status != http.StatusOK || !jsonEqual(t, mustDecode(t, body)["bundle"], f.bundleOf("alice")) {
		t.Errorf("accept again: %d %s", status, body)
	}
	f.wantWoken()
	if evs := f.events("alice"); len(evs) != 1 {
		t.Errorf("accepting again pushed another event: %v", evs)
	}
}

// TestRepeatedRequest: a second request while the first is pending is 202
// with the first id and no second event (CONTACT-REQ-04); a request
// between accepted contacts pushes nothing either.
func TestRepeatedRequest(t *testing.T) {
	f := newFixture(t, "alice", "bob")
	_, first := f.request("alice", "bob#a.test")
	status, second := f.request("alice", "bob#a.test")
	if status != http.StatusAccepted || second != first {
		t.Errorf("repeat: %d id %s, want 202 with %s", status, second, first)
	}
	if evs := f.events("bob"); len(evs) != 1 {
		t.Errorf("bob got %d events, want 1: %v", len(evs), evs)
	}
	f.woken.take()

	f.answer("bob", "accept", "alice#a.test")
	f.woken.take()
	for _, from := range []string{"alice", "bob"} {
		to := map[string]string{"alice": "bob#a.test", "bob": "alice#a.test"}[from]
		if status, id := f.request(from, to); status != http.StatusAccepted || id == "" {
			t.Errorf("%s asks an accepted contact: %d %q", from, status, id)
		}
	}
	f.wantWoken()
	if a, b := len(f.events("alice")), len(f.events("bob")); a != 1 || b != 1 {
		t.Errorf("requests between contacts pushed events: alice %d, bob %d", a, b)
	}
	f.wantStates("alice", map[string]string{"bob#a.test": "accepted"})
}

// TestCrossingRequests: a request to someone whose request to the caller
// is pending accepts it (CONTACT-REQ-05).
func TestCrossingRequests(t *testing.T) {
	f := newFixture(t, "alice", "bob")
	_, bobs := f.request("bob", "alice#a.test")
	f.woken.take()
	status, id := f.request("alice", "bob#a.test")
	if status != http.StatusAccepted || id != bobs {
		t.Errorf("crossing request: %d id %s, want 202 with bob's request id %s", status, id, bobs)
	}
	f.wantWoken("bob#a.test")
	f.wantStates("alice", map[string]string{"bob#a.test": "accepted"})
	f.wantStates("bob", map[string]string{"alice#a.test": "accepted"})
	evs := f.events("bob")
	if len(evs) != 1 || evs[0]["kind"] != "contact_accepted" || !jsonEqual(t, evs[0]["bundle"], f.bundleOf("alice")) {
		t.Errorf("bob's events: %v", evs)
	}
	if evs := f.events("alice"); len(evs) != 1 || evs[0]["kind"] != "contact_request" {
		t.Errorf("alice's events: %v, want only bob's request", evs)
	}
}

// TestRequestsToClosedAccountStillCross: accept_requests off refuses new
// requests, but not the acceptance of one the account sent itself.
func TestRequestsToClosedAccountStillCross(t *testing.T) {
	f := newFixture(t, "alice", "bob")
	f.request("bob", "alice#a.test")
	f.setAccount("bob", func(a *store.Account) { a.Settings.AcceptRequests = false })
	if status, _ := f.request("alice", "bob#a.test"); status != http.StatusAccepted {
		t.Errorf("crossing request to bob: %d", status)
	}
	f.wantStates("bob", map[string]string{"alice#a.test": "accepted"})
}

// TestPendingRequestsOldestFirst: GET /contacts/requests lists every
// pending request, oldest first, and only those.
func TestPendingRequestsOldestFirst(t *testing.T) {
	f := newFixture(t, "alice", "bob", "carol", "dave")
	for i, from := range []string{"dave", "bob", "carol"} {
		f.setClock(epoch.Add(time.Duration(i) * time.Millisecond))
		f.request(from, "alice#a.test")
	}
	f.answer("alice", "decline", "bob#a.test")
	got := f.pending("alice")
	if len(got) != 2 || got[0].From.String() != "dave#a.test" || got[1].From.String() != "carol#a.test" {
		t.Errorf("pending requests: %+v, want dave's then carol's", got)
	}
}

func mustDecode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return m
}
