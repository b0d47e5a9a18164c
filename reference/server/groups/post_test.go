package groups

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/messaging"
	"github.com/emsg-project/emsg/reference/server/store"
)

// post seals a text envelope from → to for readers and sends it through
// a messaging service routing group envelopes to f's groups service; it
// returns the status, the error code ("" on 202) and the envelope id.
func (f *fixture) post(from, to string, readers ...string) (int, string, string) {
	f.t.Helper()
	msg := messaging.New(f.st, f.svc.cfg, wire.Seeded("messaging", epoch), fakeAuth, nil)
	msg.SetGroups(f.svc)
	boxes := map[address.Address]*[32]byte{}
	for _, r := range readers {
		boxes[mustAddr(r)] = identityOf(f.t, r).BoxPublic()
	}
	env, _, err := envelope.Seal(wire.Seeded("seal "+from+to, epoch), identityOf(f.t, from), mustAddr(to), boxes,
		envelope.TextBody("hi"), envelope.Options{TTL: 3600})
	if err != nil {
		f.t.Fatal(err)
	}
	raw, _ := json.Marshal(env)
	status, _, err := msg.Send(context.Background(), mustAddr(from), raw)
	code := ""
	if err != nil {
		code = httpapi.AsError(err).Code
	}
	return status, code, env.ID
}

// identityOf makes the seeded keys of an address.
func identityOf(t testing.TB, a string) *keys.Identity {
	t.Helper()
	id, err := keys.NewIdentity(wire.Seeded("identity "+a, epoch), mustAddr(a))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPostsToGroups(t *testing.T) {
	f := newFixture(t, "alice", "bob", "carol", "dave")
	f.create("alice")
	f.member("alice", "bob")
	for _, who := range []string{"eve#b.test", "fay#b.test"} {
		f.op("alice", "POST", teamPath+"/invites", map[string]any{"address": who})
		f.write(func(tx *store.Tx) error {
			fx, err := ApplyRequest(tx, domain, []byte(`{"kind":"group_request","id":"01HF2SHC00XDNXYG513C11FZ7`+strings.ToUpper(who[:1])+`","group":"team#a.test","actor":"`+who+`","op":"join"}`), 1)
			if err == nil && fx.Duplicate {
				err = fmt.Errorf("%s's join is a duplicate", who)
			}
			return err
		})
	}
	f.write(func(tx *store.Tx) error { // a remote group mirrored here: dave is a member
		return tx.PutGroup(store.Group{Address: "club#b.test", Name: "Club", Owner: "eve#b.test", Seq: 2,
			Members: []store.GroupMember{{Address: "eve#b.test", Role: "owner"}, {Address: addr("dave"), Role: "member"}}})
	})
	members := []string{addr("alice"), addr("bob"), "eve#b.test", "fay#b.test"}
	tests := []struct {
		name   string
		from   string
		to     string
		status int
		code   string
	}{
		// happy path: a member posts; local members get it, b.test one item for both of its members
		{"member", addr("bob"), team, http.StatusAccepted, ""},
		// sad path: not a member (GROUP-POST-01)
		{"outsider", addr("carol"), team, http.StatusForbidden, "forbidden"},
		// sad path: no such group or account
		{"unknown", addr("bob"), "nope#a.test", http.StatusNotFound, "not_found"},
		// happy path: a remote group this server mirrors: a group_post for its host (GROUP-FORWARD-01)
		{"remote group", addr("dave"), "club#b.test", http.StatusAccepted, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, code, _ := f.post(tt.from, tt.to, members...)
			if status != tt.status || code != tt.code {
				t.Fatalf("got %d %q, want %d %q", status, code, tt.status, tt.code)
			}
		})
	}
	if ev := f.last(addr("alice")); ev["kind"] != "envelope" {
		t.Fatalf("alice's last event %v, want bob's envelope", ev)
	}
	if evs := f.events(addr("bob")); evs[len(evs)-1]["kind"] == "envelope" {
		t.Fatalf("bob got his own group envelope back (GROUP-FANOUT-01)")
	}
	var fanouts, posts int
	for _, it := range f.queue(remote) {
		switch it["kind"] {
		case "group_fanout":
			fanouts++
			if to := it["to"].([]any); len(to) != 2 {
				t.Fatalf("fan-out to %v, want both b.test members in one item (GROUP-FANOUT-02)", to)
			}
		case "group_post":
			posts++
		}
	}
	if fanouts != 1 || posts != 1 {
		t.Fatalf("queued for b.test: %d fan-outs and %d posts, want 1 and 1", fanouts, posts)
	}
	f.op("alice", "DELETE", teamPath, nil)
	if status, code, _ := f.post(addr("alice"), team, members...); status != http.StatusGone || code != "gone" {
		t.Fatalf("post to a dissolved group: %d %q, want 410 gone (GROUP-DISSOLVE-01)", status, code)
	}
}
