package groups

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/emsg-project/emsg/reference/server/store"
)

// eventItemOf is a group_event item of club#b.test for the local to.
func eventItemOf(seq int, kind, actor, extra string, to ...string) []byte {
	list, _ := json.Marshal(to)
	return fmt.Appendf(nil, `{"kind":"group_event","event":{"group":"club#b.test","seq":%d,"kind":%q,"actor":%q%s,"ts":1},"to":%s}`,
		seq, kind, actor, extra, list)
}

func TestMirrorFollowsTheHostsEvents(t *testing.T) {
	f := newFixture(t, "alice", "carol")
	apply := func(item []byte) Effects {
		t.Helper()
		var fx Effects
		f.write(func(tx *store.Tx) (err error) {
			fx, err = ApplyEvent(tx, domain, item, 1)
			return err
		})
		return fx
	}
	alice := addr("alice")
	steps := []struct {
		item    []byte
		dup     bool   // the item's result is duplicate
		members int    // members of the mirror afterwards (-1: no mirror)
		name    string // its name afterwards
	}{
		// an invitation before the history: no mirror yet
		{eventItemOf(2, "invited", "bob#b.test", `,"target":"`+alice+`"`, alice), false, -1, ""},
		// the history replayed on alice's join starts the mirror; alice got a
		// later event already, so her stream stays in seq order (GROUP-ORDER-02)
		{eventItemOf(1, "created", "bob#b.test", `,"name":"Club"`, alice), true, 1, "Club"},
		// the invitation again: alice had it (duplicate), the mirror applies it
		{eventItemOf(2, "invited", "bob#b.test", `,"target":"`+alice+`"`, alice), true, 1, "Club"},
		// alice joins
		{eventItemOf(3, "joined", alice, "", "bob#b.test", alice), false, 2, "Club"},
		// the next one
		{eventItemOf(4, "renamed", "bob#b.test", `,"name":"Club 2"`, alice), false, 2, "Club 2"},
		// an event past a gap changes nothing in the mirror
		{eventItemOf(6, "renamed", "bob#b.test", `,"name":"Skipped"`, "bob#b.test"), false, 2, "Club 2"},
		// alice leaves: the mirror has no local member and goes
		{eventItemOf(5, "left", alice, "", alice), false, -1, ""},
	}
	for i, s := range steps {
		fx := apply(s.item)
		if fx.Duplicate != s.dup {
			t.Fatalf("step %d: duplicate %v, want %v", i, fx.Duplicate, s.dup)
		}
		var g store.Group
		var ok bool
		_ = f.st.View(func(tx *store.Tx) (err error) {
			g, ok, err = tx.GetGroup("club#b.test")
			return err
		})
		switch {
		case s.members < 0 && ok:
			t.Fatalf("step %d: a mirror %+v, want none", i, g)
		case s.members >= 0 && (!ok || len(g.Members) != s.members || g.Name != s.name):
			t.Fatalf("step %d: mirror %+v (%v), want %d members named %q", i, g, ok, s.members, s.name)
		}
	}
	var seqs []float64
	for _, ev := range f.events(alice) {
		seqs = append(seqs, ev["group_event"].(map[string]any)["seq"].(float64))
	}
	if !slices.Equal(seqs, []float64{2, 3, 4, 5}) {
		t.Fatalf("alice got the events %v, want 2, 3, 4, 5: each once, in seq order", seqs)
	}
}

func TestLeaveAll(t *testing.T) {
	f := newFixture(t, "alice", "bob")
	f.create("alice")
	f.member("alice", "bob")
	f.write(func(tx *store.Tx) error {
		return tx.PutGroup(store.Group{Address: "club#b.test", Name: "Club", Owner: "x#b.test", Seq: 3,
			Members: []store.GroupMember{{Address: "x#b.test", Role: "owner"}, {Address: addr("bob"), Role: "member"}}})
	})
	if err := f.svc.LeaveAll(context.Background(), mustAddr(addr("bob"))); err != nil {
		t.Fatal(err)
	}
	if g := f.group(team); g.Role(addr("bob")) != "" {
		t.Fatalf("bob is still in %s: %+v", team, g)
	}
	q := f.queue(remote)
	if len(q) != 1 || q[0]["op"] != "leave" || q[0]["group"] != "club#b.test" {
		t.Fatalf("queued for %s: %v, want bob's leave of club#b.test", remote, q)
	}
	if err := f.svc.LeaveAll(context.Background(), mustAddr(addr("alice"))); err != nil {
		t.Fatal(err)
	}
	if g := f.group(team); !g.Dissolved {
		t.Fatalf("the owner's departure should dissolve %s: %+v", team, g)
	}
}

// errRollback ends a fuzz iteration's store operation without a commit.
var errRollback = errors.New("rollback")

// FuzzApplyItems feeds arbitrary group_request and group_event items to
// the inbox's group functions: they refuse or apply, never panic.
func FuzzApplyItems(f *testing.F) {
	f.Add([]byte(`{"kind":"group_request","id":"01HF2SHC00XDNXYG513C11FZ7J","group":"team#a.test","actor":"bob#b.test","op":"join"}`))
	f.Add(eventItemOf(1, "created", "x#b.test", `,"name":"C"`, "alice#a.test"))
	f.Add([]byte(`{"kind":"group_event","event":{"seq":-1},"to":[""]}`))
	f.Add([]byte(`null`))
	fx := newFixture(f, "alice")
	fx.create("alice")
	f.Fuzz(func(t *testing.T, item []byte) {
		_ = fx.st.Update(context.Background(), func(tx *store.Tx) error {
			_, _ = ApplyRequest(tx, domain, item, 1)
			_, _ = ApplyEvent(tx, domain, item, 1)
			_, _, _ = Refused(tx, item, "forbidden", "")
			return errRollback
		})
	})
}

func TestMemberMovedAndAutoJoin(t *testing.T) {
	f := newFixture(t, "alice", "bob", "carol")
	f.create("alice")
	f.member("alice", "bob")
	var fx Effects
	f.write(func(tx *store.Tx) (err error) {
		fx, err = f.svc.MemberMovedTx(tx, mustAddr(addr("bob")), mustAddr("bob#c.test"))
		return err
	})
	g := f.group(team)
	if g.Role(addr("bob")) != "" || len(g.Invited) != 1 || g.Invited[0] != "bob#c.test" || g.Seq != 5 {
		t.Fatalf("after bob's move: %+v (GROUP-MOVE-01: left, then invited)", g)
	}
	if len(fx.Kick) != 1 || fx.Kick[0] != "c.test" {
		t.Fatalf("the invitation of bob#c.test is not queued for c.test: %+v", fx)
	}
	f.write(func(tx *store.Tx) (err error) {
		_, err = f.svc.AutoJoinTx(tx, team, mustAddr(addr("carol")))
		return err
	})
	if g := f.group(team); g.Role(addr("carol")) != store.RoleMember || g.Seq != 6 {
		t.Fatalf("after auto_join: %+v", g)
	}
	ge := f.last(addr("carol"))["group_event"].(map[string]any)
	if ge["kind"] != "joined" || ge["actor"] != addr("carol") {
		t.Fatalf("carol's event %v, want joined (ACCT-AUTOJOIN-01)", ge)
	}
}
