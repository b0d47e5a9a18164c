package contacts

import (
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// A request from dave arriving while alice's own request to him is
// pending accepts it: alice learns dave's bundle in contact_accepted and a
// contact_response with her bundle goes back (CONTACT-REQ-05).
func TestApplyRequestCrossing(t *testing.T) {
	f := newFixture(t, "alice")
	if status, _ := f.request("alice", dave.String()); status != http.StatusAccepted {
		t.Fatalf("request: %d", status)
	}
	f.woken.take()
	req := Request{ID: "01HF7YAT00011WPRHPQ49SFGWC", From: dave, To: addr("alice"), Bundle: canonicalBundle(t, identity(t, dave)), TS: 1}
	var fx Effects
	f.write(func(tx *store.Tx) (err error) {
		fx, err = ApplyRequest(tx, domain, req, 2)
		return err
	})
	if fx.Duplicate || !slices.Equal(fx.Kick, []string{remote}) {
		t.Errorf("effects %+v, want a kick for %s", fx, remote)
	}
	evs := f.events("alice")
	if !slices.Equal(kinds(evs), []string{kindAccepted}) || !jsonEqual(t, evs[0]["bundle"], req.Bundle) {
		t.Fatalf("alice's log: %v", evs)
	}
	f.wantStates("alice", map[string]string{dave.String(): store.ContactAccepted})
	q := f.queue(remote)
	if got := kinds(q); !slices.Equal(got, []string{kindRequest, kindResponse}) || q[1]["id"] != req.ID || q[1]["accepted"] != true {
		t.Errorf("queued for %s: %v", remote, q)
	}
}

// A contact_response answers only the request its recipient has pending
// under that id; once applied it is a duplicate.
func TestApplyResponse(t *testing.T) {
	f := newFixture(t, "alice")
	_, id := f.request("alice", dave.String())
	daves := canonicalBundle(t, identity(t, dave))
	apply := func(resp Response) (Effects, error) {
		var fx Effects
		err := f.st.Update(t.Context(), func(tx *store.Tx) (err error) {
			fx, err = ApplyResponse(tx, domain, resp, 3)
			return err
		})
		return fx, err
	}
	tests := []struct {
		name string
		resp Response
		code string // the refusal, "" for none
		dup  bool
	}{
		// another request id than alice's pending one
		{"other id", Response{ID: "01HF7YAT00011WPRHPQ49SFGWC", From: dave, To: addr("alice"), Accepted: true, Bundle: daves}, "not_found", false},
		// a bundle that is not dave's
		{"bundle of another", Response{ID: id, From: dave, To: addr("alice"), Accepted: true, Bundle: f.bundleOf("alice")}, "forbidden", false},
		// the answer itself
		{"accepted", Response{ID: id, From: dave, To: addr("alice"), Accepted: true, Bundle: daves}, "", false},
		// the same (from, id) again (FED-TXN-05)
		{"again", Response{ID: id, From: dave, To: addr("alice"), Accepted: true, Bundle: daves}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx, err := apply(tt.resp)
			var he *httpapi.Error
			switch {
			case tt.code == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.code != "" && !(errors.As(err, &he) && he.Code == tt.code):
				t.Fatalf("got %v, want %s", err, tt.code)
			case fx.Duplicate != tt.dup:
				t.Errorf("duplicate %v, want %v", fx.Duplicate, tt.dup)
			}
		})
	}
	evs := f.events("alice")
	if !slices.Equal(kinds(evs), []string{kindAccepted}) || !jsonEqual(t, evs[0]["bundle"], daves) {
		t.Fatalf("alice's log: %v", evs)
	}
	f.wantStates("alice", map[string]string{dave.String(): store.ContactAccepted})
}
