package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// watcher reads every event of one stream in the background, so that a
// test can wait for what it expects and count what came.
type watcher struct {
	l      *lab
	mu     sync.Mutex
	events []map[string]any
	more   chan struct{} // closed and replaced when an event arrives
}

// watch opens u's stream and keeps reading it until the test ends.
func (l *lab) watch(u *user) *watcher {
	l.t.Helper()
	conn, _ := l.stream(u)
	w := &watcher{l: l, more: make(chan struct{})}
	go w.read(conn)
	return w
}

func (w *watcher) read(conn *websocket.Conn) {
	for {
		var f map[string]any
		if err := conn.ReadJSON(&f); err != nil {
			return
		}
		if f["type"] != "event" {
			continue
		}
		w.mu.Lock()
		w.events = append(w.events, f["event"].(map[string]any))
		close(w.more)
		w.more = make(chan struct{})
		w.mu.Unlock()
	}
}

// waitFor returns the first event that ok accepts, waiting up to 10 s.
func (w *watcher) waitFor(what string, ok func(map[string]any) bool) map[string]any {
	w.l.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		w.mu.Lock()
		i := slices.IndexFunc(w.events, ok)
		more := w.more
		var ev map[string]any
		if i >= 0 {
			ev = w.events[i]
		}
		w.mu.Unlock()
		if ev != nil {
			return ev
		}
		select {
		case <-more:
		case <-deadline:
			w.l.t.Fatalf("no %s within 10 s", what)
		}
	}
}

// count is how many events so far ok accepts.
func (w *watcher) count(ok func(map[string]any) bool) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, ev := range w.events {
		if ok(ev) {
			n++
		}
	}
	return n
}

// groupSeqs lists the seqs of the group's events seen so far, in order.
func (w *watcher) groupSeqs(group string) []float64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []float64
	for _, ev := range w.events {
		if g, ok := ev["group_event"].(map[string]any); ok && g["group"] == group {
			out = append(out, g["seq"].(float64))
		}
	}
	return out
}

// groupSeq waits for the group event seq of the group.
func (w *watcher) groupSeq(group string, seq int, kind string) {
	w.l.t.Helper()
	w.waitFor(kind+" event", func(ev map[string]any) bool {
		g, _ := ev["group_event"].(map[string]any)
		return ev["kind"] == "group" && g["group"] == group && g["seq"] == float64(seq) && g["kind"] == kind
	})
}

// envelopeID accepts the envelope event of id.
func envelopeID(id string) func(map[string]any) bool {
	return func(ev map[string]any) bool {
		e, _ := ev["envelope"].(map[string]any)
		return ev["kind"] == "envelope" && e["id"] == id
	}
}

func TestAGroupSpanningThreeDomains(t *testing.T) {
	l := startLab(t, "a.test", "b.test", "c.test")
	alice, bob, carol, dave := l.newUser("alice#a.test"), l.newUser("bob#b.test"), l.newUser("carol#c.test"), l.newUser("dave#b.test")
	people := []*user{alice, bob, carol, dave}
	w := map[*user]*watcher{}
	for _, u := range people {
		w[u] = l.watch(u)
	}
	const team = "team#a.test"
	path := "/emsg/v1/groups/team%23a.test"

	// Alice creates the group on her server and invites the others; each joins through its own server.
	var g struct {
		Address string `json:"address"`
		Seq     int    `json:"seq"`
	}
	json.Unmarshal(l.must(http.StatusCreated)(l.call(alice, "a.test", "POST", "/emsg/v1/groups", map[string]any{"name": "Climbing", "local": "team"})), &g)
	if g.Address != team || g.Seq != 1 {
		t.Fatalf("created %+v, want %s at seq 1", g, team)
	}
	seq := 1
	for _, u := range []*user{bob, carol, dave} {
		l.must(http.StatusAccepted)(l.call(alice, "a.test", "POST", path+"/invites", map[string]any{"address": u.addr().String()}))
		seq++
		w[u].groupSeq(team, seq, "invited")
		l.must(http.StatusAccepted)(l.call(u, u.addr().Domain, "POST", path+"/join", nil))
		seq++
		w[u].groupSeq(team, seq, "joined")
	}
	for _, u := range people {
		w[u].groupSeq(team, seq, "joined") // everyone saw the last join, in host order
	}
	// Carol joined after the group was made, yet a.test replayed c.test (its first member there)
	// the history from seq 1: c.test knows every member.
	var onC struct {
		Members []struct{ Address string } `json:"members"`
	}
	json.Unmarshal(l.must(http.StatusOK)(l.call(carol, "c.test", "GET", path, nil)), &onC)
	if len(onC.Members) != 4 {
		t.Fatalf("c.test's view of the group: %+v, want 4 members", onC)
	}

	// Bob's server mirrors the group: he reads it without asking the host.
	var seen struct {
		Members []struct{ Address string } `json:"members"`
		Seq     int                        `json:"seq"`
	}
	json.Unmarshal(l.must(http.StatusOK)(l.call(bob, "b.test", "GET", path, nil)), &seen)
	if len(seen.Members) != 4 || seen.Seq != seq {
		t.Fatalf("b.test's view of the group: %+v, want 4 members at seq %d", seen, seq)
	}

	// Bob posts once; the host fans out to everyone else exactly once (b.test gets one item for Dave).
	readers := map[address.Address]*[32]byte{}
	for _, u := range people {
		readers[u.addr()] = u.id.BoxPublic()
	}
	env, _, err := envelope.Seal(wire.Seeded("e2e/group", time.Now()), bob.id, address.MustParse(team), readers,
		envelope.TextBody("hello team"), envelope.Options{TTL: 3600})
	if err != nil {
		t.Fatal(err)
	}
	l.must(http.StatusAccepted)(l.call(bob, "b.test", "POST", "/emsg/v1/messages", env))
	l.must(http.StatusAccepted)(l.call(bob, "b.test", "POST", "/emsg/v1/messages", env)) // a retry changes nothing
	for _, u := range []*user{alice, carol, dave} {
		ev := w[u].waitFor("the group message", envelopeID(env.ID))
		raw, _ := json.Marshal(ev["envelope"])
		got, err := envelope.ParseEnvelope(raw)
		if err != nil {
			t.Fatal(err)
		}
		inner, err := envelope.Open(got, u.addr(), u.id.BoxPrivate(), bob.id.Bundle().SignPublic())
		if err != nil {
			t.Fatalf("%s cannot open Bob's group message: %v", u.addr(), err)
		}
		if body, _ := inner.ParseBody(); body.Text != "hello team" {
			t.Fatalf("%s reads %q", u.addr(), body.Text)
		}
	}

	// Carol, a plain member, may not kick: the host refuses and c.test tells her.
	var req struct{ ID string }
	json.Unmarshal(l.must(http.StatusAccepted)(l.call(carol, "c.test", "POST", path+"/kick", map[string]any{"address": "dave#b.test"})), &req)
	w[carol].waitFor("group_refused", func(ev map[string]any) bool {
		return ev["kind"] == "group_refused" && ev["id"] == req.ID && ev["error"] == "forbidden" && ev["op"] == "kick"
	})

	// Alice kicks Dave, Carol leaves, Alice dissolves: everyone concerned sees each in order.
	l.must(http.StatusAccepted)(l.call(alice, "a.test", "POST", path+"/kick", map[string]any{"address": "dave#b.test"}))
	seq++
	for _, u := range people {
		w[u].groupSeq(team, seq, "kicked")
	}
	l.must(http.StatusAccepted)(l.call(carol, "c.test", "POST", path+"/leave", nil))
	seq++
	for _, u := range []*user{alice, bob, carol} {
		w[u].groupSeq(team, seq, "left")
	}
	l.must(http.StatusAccepted)(l.call(alice, "a.test", "DELETE", path, nil))
	seq++
	for _, u := range []*user{alice, bob} {
		w[u].groupSeq(team, seq, "dissolved")
	}

	// The dissolved group answers gone: Bob's later post comes back as a failed receipt.
	late, _, err := envelope.Seal(wire.Seeded("e2e/group/late", time.Now()), bob.id, address.MustParse(team), readers,
		envelope.TextBody("anyone?"), envelope.Options{TTL: 3600})
	if err != nil {
		t.Fatal(err)
	}
	l.must(http.StatusAccepted)(l.call(bob, "b.test", "POST", "/emsg/v1/messages", late))
	w[bob].waitFor("failed receipt", func(ev map[string]any) bool {
		r, _ := ev["receipt"].(map[string]any)
		return ev["kind"] == "receipt" && r["id"] == late.ID && r["kind"] == "failed" && r["error"] == "gone"
	})

	// Every member saw the group's events once each, in seq order (GROUP-ORDER-02).
	for _, u := range people {
		if seqs := w[u].groupSeqs(team); !slices.IsSorted(seqs) || len(slices.Compact(slices.Clone(seqs))) != len(seqs) {
			t.Errorf("%s saw the seqs %v", u.addr(), seqs)
		}
	}

	// Exactly once: every other member got Bob's first message once, Bob none.
	for _, u := range people {
		want := 1
		if u == bob {
			want = 0
		}
		if n := w[u].count(envelopeID(env.ID)); n != want {
			t.Errorf("%s got Bob's group message %d times, want %d", u.addr(), n, want)
		}
	}
}
