package contacts

import (
	"net/http"
	"slices"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/store"
)

// dave is an account of the other server d.test.
var dave = address.MustParse("dave#" + remote)

// TestRemoteRequest: a request to another domain is queued for its server
// as a contact_request item; the sender's side is pending_out; a repeat
// queues nothing more (CONTACT-REQ-01, CONTACT-REQ-04).
func TestRemoteRequest(t *testing.T) {
	f := newFixture(t, "alice")
	status, id := f.request("alice", dave.String())
	if status != http.StatusAccepted {
		t.Fatalf("request: %d", status)
	}
	q := f.queue(remote)
	if len(q) != 1 || q[0]["kind"] != "contact_request" {
		t.Fatalf("queue of %s: %v", remote, q)
	}
	req := q[0]["request"].(map[string]any)
	if req["id"] != id || req["from"] != "alice#a.test" || req["to"] != dave.String() || !jsonEqual(t, req["bundle"], f.bundleOf("alice")) {
		t.Errorf("queued request: %v", req)
	}
	f.wantStates("alice", map[string]string{dave.String(): "pending_out"})
	f.wantWoken()
	if status, again := f.request("alice", dave.String()); status != http.StatusAccepted || again != id {
		t.Errorf("repeat: %d %s, want 202 %s", status, again, id)
	}
	if q := f.queue(remote); len(q) != 1 {
		t.Errorf("a repeat queued another item: %v", q)
	}
}

// TestRemoteAnswers: answering a request from another domain changes the
// local side and queues the contact_response (CONTACT-ACCEPT-01,
// CONTACT-DECLINE-01), and removing such a contact queues contact_removed
// (CONTACT-REMOVE-01).
func TestRemoteAnswers(t *testing.T) {
	tests := []struct {
		name string
		act  func(f *fixture) int // alice's answer to dave's request; returns the status
		want int
		// the item queued for d.test and alice's record afterwards
		item  map[string]any
		state string
	}{
		// accept: dave's bundle back, alice's bundle to dave's server
		{name: "accept", act: func(f *fixture) int { s, _ := f.answer("alice", "accept", dave.String()); return s }, want: 200,
			item: map[string]any{"kind": "contact_response", "from": "alice#a.test", "to": dave.String(), "accepted": true}, state: "accepted"},
		// decline: a contact_response without bundle, nothing left here
		{name: "decline", act: func(f *fixture) int { s, _ := f.answer("alice", "decline", dave.String()); return s }, want: 204,
			item: map[string]any{"kind": "contact_response", "from": "alice#a.test", "to": dave.String(), "accepted": false}},
		// a crossing request accepts dave's (CONTACT-REQ-05)
		{name: "crossing request", act: func(f *fixture) int { s, _ := f.request("alice", dave.String()); return s }, want: 202,
			item: map[string]any{"kind": "contact_response", "from": "alice#a.test", "to": dave.String(), "accepted": true}, state: "accepted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "alice")
			req := f.receiveRemote(dave, "alice")
			if got := f.pending("alice"); len(got) != 1 || got[0].ID != req.ID {
				t.Fatalf("alice's pending requests: %+v", got)
			}
			f.woken.take()
			if status := tt.act(f); status != tt.want {
				t.Fatalf("got %d, want %d", status, tt.want)
			}
			q := f.queue(remote)
			if len(q) != 1 {
				t.Fatalf("queue of %s: %v", remote, q)
			}
			for k, v := range tt.item {
				if q[0][k] != v {
					t.Errorf("item member %s: got %v, want %v (item %v)", k, q[0][k], v, q[0])
				}
			}
			if q[0]["id"] != req.ID {
				t.Errorf("the response names request %v, want %s", q[0]["id"], req.ID)
			}
			if accepted := tt.item["accepted"] == true; accepted != (q[0]["bundle"] != nil) ||
				accepted && !jsonEqual(t, q[0]["bundle"], f.bundleOf("alice")) {
				t.Errorf("the response's bundle: %v", q[0]["bundle"])
			}
			if tt.state == "" {
				f.wantStates("alice", map[string]string{})
				return
			}
			f.wantStates("alice", map[string]string{dave.String(): tt.state})
			l := f.list("alice")
			if len(l) != 1 || !jsonEqual(t, l[0].Bundle, req.Bundle) {
				t.Errorf("alice's list: %+v, want dave with his bundle", l)
			}
			f.wantWoken()

			status, body := f.do(call{method: "DELETE", target: "/emsg/v1/contacts/" + pathEscape(dave.String()), auth: token("alice")})
			if status != http.StatusNoContent {
				t.Fatalf("remove: %d %s", status, body)
			}
			q = f.queue(remote)
			if last := q[len(q)-1]; last["kind"] != "contact_removed" || last["from"] != "alice#a.test" || last["to"] != dave.String() {
				t.Errorf("queued after remove: %v", last)
			}
			f.wantStates("alice", map[string]string{})
		})
	}
}

// TestRemoteContactAskedAgain: asking an accepted remote contact queues
// nothing.
func TestRemoteContactAskedAgain(t *testing.T) {
	f := newFixture(t, "alice")
	f.receiveRemote(dave, "alice")
	f.answer("alice", "accept", dave.String())
	if status, _ := f.request("alice", dave.String()); status != http.StatusAccepted {
		t.Fatalf("request: %d", status)
	}
	if q := f.queue(remote); len(q) != 1 {
		t.Errorf("queue: %v, want only the contact_response", kinds(q))
	}
}

// receiveRemote delivers a request from the remote address from to local
// as the federation inbox does on a contact_request item, through
// [ApplyRequest]: pending_in, the request kept, a contact_request event.
func (f *fixture) receiveRemote(from address.Address, local string) Request {
	f.t.Helper()
	id, now, err := f.svc.stamp()
	if err != nil {
		f.t.Fatal(err)
	}
	req := Request{ID: id, From: from, To: addr(local), Bundle: canonicalBundle(f.t, identity(f.t, from)), Note: "hello from d", TS: now}
	var fx Effects
	f.write(func(tx *store.Tx) (err error) {
		fx, err = ApplyRequest(tx, domain, req, now)
		return err
	})
	if fx.Duplicate || !slices.Equal(fx.Wake, []address.Address{req.To}) {
		f.t.Fatalf("apply request: %+v", fx)
	}
	return req
}
