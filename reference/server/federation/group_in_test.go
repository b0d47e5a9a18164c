package federation

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/groups"
	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// groupsOf mounts the real groups routes of node n on a mux of their own;
// callers authenticate with "Bearer tok-<address>" (see contactsOf).
func groupsOf(n *node) *httpapi.Mux {
	m := httpapi.NewMux()
	auth := func(r *http.Request) (address.Address, error) {
		return address.ParseCanonical(r.Header.Get("Authorization")[len("Bearer tok-"):])
	}
	groups.New(n.st, n.cfg, wire.Deps{Rand: wire.NewSeededReader("groups " + n.domain), Now: n.lab.clock.Now}, auth, n.woken).Routes(m)
	return m
}

// sealGroup returns a text envelope from → the group to, for readers.
func (l *lab) sealGroup(from, to string, readers ...string) []byte {
	l.t.Helper()
	keys := map[address.Address]*[32]byte{}
	for _, r := range readers {
		keys[address.MustParse(r)] = identity(l.t, r).BoxPublic()
	}
	identitiesMu.Lock()
	seals++
	deps := wire.Seeded(fmt.Sprintf("seal %d", seals), l.clock.Now())
	identitiesMu.Unlock()
	env, _, err := envelope.Seal(deps, identity(l.t, from), address.MustParse(to), keys, envelope.TextBody("hi all"), envelope.Options{TTL: 3600})
	if err != nil {
		l.t.Fatal(err)
	}
	raw, _ := json.Marshal(env)
	return raw
}

// item builds a federation item from its members.
func item(t *testing.T, kind string, members map[string]any) json.RawMessage {
	t.Helper()
	members["kind"] = kind
	raw, err := json.Marshal(members)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// b.test hosts team#b.test (bob owns it, alice#a.test is invited) and
// a.test sends it every kind of group item: each gets the result of the
// spec (GROUP-REFUSED-01, FED-SPOOF-02, FED-TXN-05).
func TestInboxGroupItemResults(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a, b := l.nodes["a.test"], l.nodes["b.test"]
	b.account("bob#b.test", false)
	gm := groupsOf(b)
	if status, body := l.client(gm, "bob#b.test", "POST", "/emsg/v1/groups", map[string]any{"name": "Team", "local": "team"}); status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	l.client(gm, "bob#b.test", "POST", "/emsg/v1/groups/team%23b.test/invites", map[string]any{"address": "alice#a.test"})
	join := item(t, "group_request", map[string]any{"id": "01HF2SHC00XDNXYG513C11FZ7J", "group": "team#b.test", "actor": "alice#a.test", "op": "join"})
	post := item(t, "group_post", map[string]any{"envelope": json.RawMessage(l.sealGroup("alice#a.test", "team#b.test", "bob#b.test"))})
	event := item(t, "group_event", map[string]any{"to": []string{"bob#b.test"},
		"event": map[string]any{"group": "club#a.test", "seq": 1, "kind": "created", "actor": "alice#a.test", "name": "Club", "ts": 1}})
	fanout := item(t, "group_fanout", map[string]any{"to": []string{"bob#b.test"},
		"envelope": json.RawMessage(l.sealGroup("carol#c.test", "club#a.test", "bob#b.test"))})
	rows := []struct {
		item json.RawMessage
		want string // status or error code
	}{
		{join, "ok"},        // alice was invited: she joins
		{join, "duplicate"}, // the same (actor, id) again
		{item(t, "group_request", map[string]any{"id": "01HF2SHC00XDNXYG513C11FZ7K", "group": "team#b.test", "actor": "alice#a.test", "op": "dissolve"}), "forbidden"}, // a member may not dissolve
		{item(t, "group_request", map[string]any{"id": "01HF2SHC00XDNXYG513C11FZ7M", "group": "team#b.test", "actor": "dave#a.test", "op": "leave"}), "not_found"},     // not a member
		{item(t, "group_request", map[string]any{"id": "01HF2SHC00XDNXYG513C11FZ7N", "group": "gang#b.test", "actor": "alice#a.test", "op": "join"}), "not_found"},     // no such group (GROUP-UNKNOWN-01)
		{item(t, "group_request", map[string]any{"id": "01HF2SHC00XDNXYG513C11FZ7P", "group": "team#b.test", "actor": "eve#c.test", "op": "join"}), "forbidden"},       // actor not on the origin
		{post, "ok"},        // a member posts: bob gets it
		{post, "duplicate"}, // the same (from, id) again
		{item(t, "group_post", map[string]any{"envelope": json.RawMessage(l.sealGroup("dave#a.test", "team#b.test", "bob#b.test"))}), "forbidden"}, // not a member (GROUP-POST-01)
		{event, "ok"},        // a.test's group tells bob
		{event, "duplicate"}, // the same (group, seq) again
		{item(t, "group_event", map[string]any{"to": []string{"bob#b.test"}, "event": map[string]any{"group": "club#c.test", "seq": 1, "kind": "created", "actor": "alice#a.test", "name": "X", "ts": 1}}), "forbidden"}, // group not on the origin (FED-SPOOF-02)
		{fanout, "ok"},        // a.test's group fans out carol's envelope to bob
		{fanout, "duplicate"}, // the same (from, id) again
		{item(t, "group_fanout", map[string]any{"to": []string{"bob#b.test"}, "envelope": json.RawMessage(l.sealGroup("carol#c.test", "club#c.test", "bob#b.test"))}), "forbidden"}, // group not on the origin (FED-SPOOF-02)
	}
	items := make([]json.RawMessage, len(rows))
	for i, r := range rows {
		items[i] = r.item
	}
	status, body := b.deliver(l.signed(a.key, "b.test", 0, txnBody(t, "a.test", "b.test", "groups", items...)))
	if status != 200 {
		t.Fatalf("got %d %s", status, body)
	}
	var rs results
	if err := json.Unmarshal(body, &rs); err != nil {
		t.Fatal(err)
	}
	for i, r := range rs.Results {
		got := r.Status
		if got == statusError {
			got = r.Error
		}
		if got != rows[i].want {
			t.Errorf("item %d: got %s (%s), want %s", i, got, r.Message, rows[i].want)
		}
	}
	got := kinds(b.events("bob#b.test"))
	want := []string{"group", "group", "group", "envelope", "group", "envelope"} // created, invited, joined, alice's post, club created, carol's post
	if !slices.Equal(got, want) {
		t.Fatalf("bob's events %v, want %v", got, want)
	}
	// a.test got the invitation, then with alice's join (its first member) the
	// history from seq 1 before the joined event itself
	var seqs []float64
	for _, q := range b.queued("a.test") {
		var it struct {
			Kind  string
			Event struct{ Seq float64 }
		}
		_ = json.Unmarshal(q.Data, &it)
		if it.Kind != "group_event" {
			t.Fatalf("queued for a.test: %s", q.Data)
		}
		seqs = append(seqs, it.Event.Seq)
	}
	if !slices.Equal(seqs, []float64{2, 1, 2, 3}) {
		t.Fatalf("group events queued for a.test: seqs %v, want the invitation then 1, 2, 3", seqs)
	}
}

// A refused group_request comes back to the actor as a group_refused
// event with the request id (GROUP-REFUSED-02).
func TestRefusedGroupRequestReachesTheActor(t *testing.T) {
	l := newLab(t, "a.test", "b.test")
	a := l.nodes["a.test"]
	a.account("alice#a.test", false)
	am := groupsOf(a)
	status, body := l.client(am, "alice#a.test", "POST", "/emsg/v1/groups/nope%23b.test/join", nil)
	if status != http.StatusAccepted {
		t.Fatalf("join: %d %s", status, body)
	}
	id := idOf(t, body)
	a.step("b.test")
	evs := a.events("alice#a.test")
	if len(evs) != 1 || evs[0]["kind"] != "group_refused" || evs[0]["id"] != id || evs[0]["error"] != "not_found" {
		t.Fatalf("alice's events %v, want group_refused not_found for %s", evs, id)
	}
}
