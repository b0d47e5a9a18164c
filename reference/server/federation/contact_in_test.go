package federation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/contacts"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// contactsOf mounts the real contacts routes of node n on a mux of their
// own; callers authenticate with "Bearer tok-<address>".
func contactsOf(n *node) *httpapi.Mux {
	auth := func(r *http.Request) (address.Address, error) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer tok-")
		if !ok {
			return address.Address{}, httpapi.Errorf("unauthorized", "no token")
		}
		return address.ParseCanonical(tok)
	}
	m := httpapi.NewMux()
	contacts.New(n.st, n.cfg, wire.Deps{Rand: wire.NewSeededReader("contacts " + n.domain), Now: n.lab.clock.Now}, auth, n.woken).Routes(m)
	return m
}

// member creates an active local account with the bundle of its seeded
// identity.
func (n *node) member(addr string) {
	n.lab.t.Helper()
	n.account(addr, false)
	n.update(func(tx *store.Tx) error { return tx.AppendBundle(addr, bundleOf(n.lab.t, addr)) })
}

// bundleOf is the canonical bundle of addr's seeded identity.
func bundleOf(t *testing.T, addr string) []byte {
	t.Helper()
	raw, err := identity(t, addr).Bundle().Canonical()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// client makes one client API call as addr on m, checks the exchange
// against client.yaml and returns the status and answer.
func (l *lab) client(m *httpapi.Mux, as, method, target string, body any) (int, []byte) {
	l.t.Helper()
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			l.t.Fatal(err)
		}
	}
	newReq := func() *http.Request {
		r := httptest.NewRequest(method, target, bytes.NewReader(raw))
		r.Header.Set("Authorization", "Bearer tok-"+as)
		if raw != nil {
			r.Header.Set("Content-Type", "application/json")
		}
		return r
	}
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, newReq())
	resp := rec.Result()
	answer, _ := io.ReadAll(resp.Body)
	if err := spec.ValidateExchange(spec.ClientAPI, newReq(), raw, resp, answer); err != nil {
		l.t.Errorf("%s %s: the exchange breaks the spec: %v\n%s", method, target, err, answer)
	}
	return resp.StatusCode, answer
}

// ask has from request to through m's real route.
func (l *lab) ask(m *httpapi.Mux, from, to string) string {
	l.t.Helper()
	status, answer := l.client(m, from, http.MethodPost, "/emsg/v1/contacts/requests",
		map[string]any{"to": to, "bundle": json.RawMessage(bundleOf(l.t, from)), "note": "hi"})
	if status != http.StatusAccepted {
		l.t.Fatalf("%s asks %s: %d %s", from, to, status, answer)
	}
	return idOf(l.t, answer)
}

// state is the state of owner's contact record for other ("" if none).
func (n *node) state(owner, other string) string {
	n.lab.t.Helper()
	var c store.Contact
	if err := n.st.View(func(tx *store.Tx) (err error) {
		c, _, err = tx.GetContact(owner, other)
		return err
	}); err != nil {
		n.lab.t.Fatal(err)
	}
	return c.State
}

// withSigOf returns bundle with the sig of other: well formed, but it
// does not verify.
func withSigOf(t *testing.T, bundle, other []byte) []byte {
	t.Helper()
	var b, o map[string]any
	if err := json.Unmarshal(bundle, &b); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(other, &o); err != nil {
		t.Fatal(err)
	}
	b["sig"] = o["sig"]
	return jsonOf(t, b)
}

// jsonOf re-encodes a decoded JSON member for comparison with raw.
func jsonOf(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// alice#a.test asks bob#b.test through a.test's contacts route; the
// request crosses in a transaction, bob accepts on b.test, and the
// response brings bob's bundle to alice (CONTACT-REQ-01, CONTACT-ACCEPT-01).
func TestContactRequestCrossesServers(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	ac, bc := contactsOf(a), contactsOf(b)
	a.member("alice#a.test")
	b.member("bob#b.test")

	id := l.ask(ac, "alice#a.test", "bob#b.test")
	a.step("b.test")
	if q := a.queued("b.test"); len(q) != 0 {
		t.Fatalf("a.test still queues %d items for b.test", len(q))
	}
	evs := b.events("bob#b.test")
	if !slices.Equal(kinds(evs), []string{"contact_request"}) || !b.woken.has("bob#b.test") {
		t.Fatalf("bob's log: %v", kinds(evs))
	}
	req := evs[0]["request"].(map[string]any)
	if req["id"] != id || req["from"] != "alice#a.test" || !bytes.Equal(jsonOf(t, req["bundle"]), bundleOf(t, "alice#a.test")) {
		t.Errorf("bob got request %v", req)
	}
	if got := b.state("bob#b.test", "alice#a.test"); got != store.ContactPendingIn {
		t.Errorf("bob's record of alice: %q", got)
	}

	status, answer := l.client(bc, "bob#b.test", http.MethodPost, "/emsg/v1/contacts/requests/alice%23a.test/accept",
		map[string]any{"bundle": json.RawMessage(bundleOf(t, "bob#b.test"))})
	if status != http.StatusOK || !bytes.Contains(answer, bundleOf(t, "alice#a.test")) {
		t.Fatalf("accept: %d %s", status, answer)
	}
	b.step("a.test")
	evs = a.events("alice#a.test")
	if !slices.Equal(kinds(evs), []string{"contact_accepted"}) || !a.woken.has("alice#a.test") {
		t.Fatalf("alice's log: %v", kinds(evs))
	}
	if evs[0]["address"] != "bob#b.test" || !bytes.Equal(jsonOf(t, evs[0]["bundle"]), bundleOf(t, "bob#b.test")) {
		t.Errorf("alice got %v", evs[0])
	}
	if x, y := a.state("alice#a.test", "bob#b.test"), b.state("bob#b.test", "alice#a.test"); x != store.ContactAccepted || y != store.ContactAccepted {
		t.Errorf("states: alice %q, bob %q", x, y)
	}

	// bob removes alice: the removal crosses too (CONTACT-REMOVE-01)
	if status, answer := l.client(bc, "bob#b.test", http.MethodDelete, "/emsg/v1/contacts/alice%23a.test", nil); status != http.StatusNoContent {
		t.Fatalf("remove: %d %s", status, answer)
	}
	b.step("a.test")
	if got := kinds(a.events("alice#a.test")); !slices.Equal(got, []string{"contact_accepted", "contact_removed"}) {
		t.Errorf("alice's log after the removal: %v", got)
	}
	if got := a.state("alice#a.test", "bob#b.test"); got != "" {
		t.Errorf("alice still keeps bob as %q", got)
	}
}

// A declined request reaches the requester as contact_declined and drops
// its record (CONTACT-DECLINE-01).
func TestContactDeclineCrossesServers(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	ac, bc := contactsOf(a), contactsOf(b)
	a.member("carol#a.test")
	b.member("bob#b.test")
	l.ask(ac, "carol#a.test", "bob#b.test")
	a.step("b.test")
	if status, answer := l.client(bc, "bob#b.test", http.MethodPost, "/emsg/v1/contacts/requests/carol%23a.test/decline", nil); status != http.StatusNoContent {
		t.Fatalf("decline: %d %s", status, answer)
	}
	b.step("a.test")
	evs := a.events("carol#a.test")
	if !slices.Equal(kinds(evs), []string{"contact_declined"}) || evs[0]["address"] != "bob#b.test" {
		t.Fatalf("carol's log: %v", evs)
	}
	if got := a.state("carol#a.test", "bob#b.test"); got != "" {
		t.Errorf("carol still keeps bob as %q", got)
	}
}

// Two requests that cross in flight each accept the other: both sides end
// accepted with one contact_accepted each, and the responses that follow
// change nothing (CONTACT-REQ-05).
func TestCrossingContactRequests(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	a.member("dave#a.test")
	b.member("erin#b.test")
	l.ask(contactsOf(a), "dave#a.test", "erin#b.test")
	l.ask(contactsOf(b), "erin#b.test", "dave#a.test")
	for range 2 { // requests, then the responses they caused
		a.step("b.test")
		b.step("a.test")
	}
	for _, side := range []struct {
		n          *node
		owner, the string
	}{{a, "dave#a.test", "erin#b.test"}, {b, "erin#b.test", "dave#a.test"}} {
		evs := side.n.events(side.owner)
		if !slices.Equal(kinds(evs), []string{"contact_accepted"}) || !bytes.Equal(jsonOf(t, evs[0]["bundle"]), bundleOf(t, side.the)) {
			t.Errorf("%s's log: %v", side.owner, evs)
		}
		if got := side.n.state(side.owner, side.the); got != store.ContactAccepted {
			t.Errorf("%s keeps %s as %q", side.owner, side.the, got)
		}
	}
	if qa, qb := a.queued("b.test"), b.queued("a.test"); len(qa)+len(qb) != 0 {
		t.Errorf("still queued: %d and %d items", len(qa), len(qb))
	}
}

// Each contact item gets its per-item result: the refusals of a local
// request, the spoof rule, bundles that are not the sender's, duplicates,
// and answers to requests that were never made.
func TestInboxContactItemResults(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	for _, who := range []string{"bob#b.test", "fred#b.test", "dora#b.test", "hal#b.test"} {
		b.member(who)
	}
	b.update(func(tx *store.Tx) error {
		dora, _, err := tx.GetAccount("dora#b.test")
		if err != nil {
			return err
		}
		dora.Settings.AcceptRequests = false
		if err := tx.PutAccount(dora); err != nil {
			return err
		}
		if err := tx.PutAccount(store.Account{Address: "eve#b.test", State: store.StateMoved, MovedTo: "eve#c.test", Created: 1}); err != nil {
			return err
		}
		if err := tx.PutAccount(store.Account{Address: "gus#b.test", State: store.StateDeleted, Created: 1}); err != nil {
			return err
		}
		if err := tx.PutContact("hal#b.test", store.Contact{Address: "alice#a.test", State: store.ContactAccepted, Updated: 1}); err != nil {
			return err
		}
		return tx.PutContact("fred#b.test", store.Contact{Address: "alice#a.test", State: store.ContactBlocked, Updated: 1})
	})
	seq := 0
	request := func(from, to string, bundle []byte) json.RawMessage {
		seq++
		return json.RawMessage(fmt.Sprintf(`{"kind":"contact_request","request":{"id":"01HF7YAT00011WPRHPQ49SFG%02d","from":%q,"to":%q,"bundle":%s,"ts":1700000000000}}`,
			seq, from, to, bundle))
	}
	alice := bundleOf(t, "alice#a.test")
	toBob := request("alice#a.test", "bob#b.test", alice)
	forged := withSigOf(t, alice, bundleOf(t, "zed#a.test"))
	removed := func(from, to string) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"kind":"contact_removed","from":%q,"to":%q}`, from, to))
	}
	rows := []struct {
		item json.RawMessage
		want string // status or error code
	}{
		{toBob, "ok"},        // recorded pending_in, with an event for bob
		{toBob, "duplicate"}, // same (request.from, request.id) again (FED-TXN-05)
		{request("alice#a.test", "bob#b.test", alice), "ok"},                                                                                                      // a new id while pending: no second event (CONTACT-REQ-04)
		{request("mallory#c.test", "bob#b.test", bundleOf(t, "mallory#c.test")), "forbidden"},                                                                     // requester not on the origin (FED-SPOOF-01)
		{request("alice#a.test", "carol#c.test", alice), "forbidden"},                                                                                             // recipient not here (FED-TXN-06)
		{request("alice#a.test", "nobody#b.test", alice), "not_found"},                                                                                            // no such account
		{request("alice#a.test", "eve#b.test", alice), "moved"},                                                                                                   // moved, with moved_to
		{request("alice#a.test", "gus#b.test", alice), "gone"},                                                                                                    // deleted
		{request("alice#a.test", "fred#b.test", alice), "blocked"},                                                                                                // fred blocked alice (DELIV-BLOCKED-01)
		{request("alice#a.test", "dora#b.test", alice), "forbidden"},                                                                                              // accept_requests off (CONTACT-REQ-03)
		{request("alice#a.test", "hal#b.test", bundleOf(t, "zed#a.test")), "forbidden"},                                                                           // the bundle is zed's, not alice's
		{request("alice#a.test", "hal#b.test", forged), "bad_signature"},                                                                                          // the bundle does not verify
		{json.RawMessage(`{"kind":"contact_response","id":"01HF7YAT00011WPRHPQ49SFGWC","from":"alice#a.test","to":"bob#b.test","accepted":false}`), "not_found"},  // bob asked nobody
		{json.RawMessage(`{"kind":"contact_response","id":"01HF7YAT00011WPRHPQ49SFGWC","from":"alice#a.test","to":"bob#b.test","accepted":true}`), "bad_request"}, // accepted without a bundle (fed-item.json)
		{removed("alice#a.test", "bob#b.test"), "ok"},                                                                                                             // not a contact: nothing to remove
		{removed("alice#a.test", "hal#b.test"), "ok"},                                                                                                             // hal's contact alice is removed
		{removed("alice#a.test", "hal#b.test"), "ok"},                                                                                                             // again: changes nothing
		{removed("mallory#c.test", "hal#b.test"), "forbidden"},                                                                                                    // remover not on the origin (FED-SPOOF-01)
	}
	items := make([]json.RawMessage, len(rows))
	for i, r := range rows {
		items[i] = r.item
	}
	status, body := b.deliver(l.signed(a.key, "b.test", 0, txnBody(t, "a.test", "b.test", "contacts", items...)))
	var rs results
	if err := json.Unmarshal(body, &rs); status != 200 || err != nil {
		t.Fatalf("got %d %s", status, body)
	}
	for i, r := range rs.Results {
		got := r.Status
		if got == statusError {
			got = r.Error
		}
		if r.Index != i || got != rows[i].want {
			t.Errorf("item %d: got index %d %s (%s), want %s", i, r.Index, got, r.Message, rows[i].want)
		}
		if r.Error == "moved" && r.MovedTo != "eve#c.test" {
			t.Errorf("item %d: moved_to %q", i, r.MovedTo)
		}
	}
	wantLogs := map[string][]string{
		"bob#b.test":  {"contact_request"},
		"hal#b.test":  {"contact_removed"},
		"fred#b.test": nil, // blocking is silent and final
		"dora#b.test": nil,
	}
	for who, want := range wantLogs {
		if got := kinds(b.events(who)); !slices.Equal(got, want) {
			t.Errorf("%s's log: %v, want %v", who, got, want)
		}
	}
	if got := b.state("hal#b.test", "alice#a.test"); got != "" {
		t.Errorf("hal still keeps alice as %q", got)
	}
	if q := b.queued("a.test"); len(q) != 0 {
		t.Errorf("%d items queued for a.test, want none", len(q))
	}
}
