package migration

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// moveNotice signs the move of from to to at the test clock moved by
// skew, with the key of signer.
func (w *world) moveNotice(from, to, signer string, skew time.Duration) []byte {
	w.t.Helper()
	next, err := w.person(signer).MovedTo(at(skew), mustAddr(to))
	if err != nil {
		w.t.Fatal(err)
	}
	n, err := account.NewMoveNotice(at(skew), mustAddr(from), w.person(signer).SignKey(), next.Bundle())
	if err != nil {
		w.t.Fatal(err)
	}
	return mustJSON(w.t, n)
}

// deleteNotice signs the deletion of addr with the key of signer.
func (w *world) deleteNotice(addr, signer string, skew time.Duration) []byte {
	w.t.Helper()
	n, err := account.NewDeleteNotice(at(skew), mustAddr(addr), w.person(signer).SignKey())
	if err != nil {
		w.t.Fatal(err)
	}
	return mustJSON(w.t, n)
}

// TestMoveChecks covers the refusals of moveAccount in order; none
// changes anything.
func TestMoveChecks(t *testing.T) {
	w := newWorld(t)
	w.person("alice#a.test")
	w.person("owner#a.test")
	w.join("owner#a.test", "team#a.test", store.RoleOwner)
	tests := []struct {
		name   string
		caller string
		body   []byte
		status int
		code   string
	}{
		// sad path: no token.
		{"anonymous", "", w.moveNotice("alice#a.test", "alice#c.test", "alice#a.test", 0), http.StatusUnauthorized, "unauthorized"},
		// sad path: not JSON.
		{"not json", "alice#a.test", []byte(`{`), http.StatusBadRequest, "bad_request"},
		// sad path: someone else's move (MOVE-CHECK-01).
		{"not the caller", "alice#a.test", w.moveNotice("bob#a.test", "bob#c.test", "bob#a.test", 0), http.StatusForbidden, "forbidden"},
		// sad path: too old (NOTICE-TS-01).
		{"stale", "alice#a.test", w.moveNotice("alice#a.test", "alice#c.test", "alice#a.test", -301*time.Second), http.StatusUnauthorized, "unauthorized"},
		// sad path: too far ahead (NOTICE-TS-01).
		{"ahead", "alice#a.test", w.moveNotice("alice#a.test", "alice#c.test", "alice#a.test", 301*time.Second), http.StatusUnauthorized, "unauthorized"},
		// sad path: signed by another key (MOVE-CHECK-01).
		{"other key", "alice#a.test", w.moveNotice("alice#a.test", "alice#c.test", "mallory#c.test", 0), http.StatusUnauthorized, "bad_signature"},
		// sad path: a group owner (MOVE-OWNER-01).
		{"owner", "owner#a.test", w.moveNotice("owner#a.test", "owner#c.test", "owner#a.test", 0), http.StatusForbidden, "forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, w.do(http.MethodPost, "/emsg/v1/account/move", tt.caller, tt.body), tt.status, tt.code)
		})
	}
	for _, a := range []string{"alice#a.test", "owner#a.test"} {
		if st := w.accountOf(a).State; st != store.StateActive {
			t.Errorf("after refused moves %s is %s, want active", a, st)
		}
	}
}

// TestMoveForwardsToContacts: an accepted move marks the account moved,
// switches a local contact's record keeping its state (MOVE-CONTACT-01)
// with a moved event, and queues one move item per remote server naming
// its contacts there (MOVE-NOTIFY-01); pending and blocked contacts hear
// nothing.
func TestMoveForwardsToContacts(t *testing.T) {
	w := newWorld(t)
	w.befriend("alice#a.test", "bob#a.test")
	w.befriend("alice#a.test", "carol#b.test")
	w.befriend("alice#a.test", "dave#b.test")
	w.update(func(tx *store.Tx) error {
		return tx.PutContact("alice#a.test", store.Contact{Address: "eve#c.test", State: store.ContactBlocked})
	})
	notice := w.moveNotice("alice#a.test", "alice#c.test", "alice#a.test", 0)
	wantCode(t, w.do(http.MethodPost, "/emsg/v1/account/move", "alice#a.test", notice), http.StatusAccepted, "")
	if a := w.accountOf("alice#a.test"); a.State != store.StateMoved || a.MovedTo != "alice#c.test" {
		t.Errorf("alice is %s (moved_to %q), want moved to alice#c.test", a.State, a.MovedTo)
	}
	if c := w.contact("bob#a.test", "alice#c.test"); c.State != store.ContactAccepted || !strings.Contains(string(c.Bundle), "alice#c.test") {
		t.Errorf("bob holds alice#c.test as %+v, want accepted with the new bundle", c)
	}
	if c := w.contact("bob#a.test", "alice#a.test"); c.State != "" {
		t.Errorf("bob still holds alice#a.test as %s", c.State)
	}
	if evs := w.events("bob#a.test"); len(evs) != 1 || !strings.HasPrefix(evs[0], `{"kind":"moved","notice":`) {
		t.Errorf("bob's events: %q, want one moved event", evs)
	}
	items := w.queued("b.test")
	if len(items) != 1 || !strings.Contains(items[0], `"to":["carol#b.test","dave#b.test"]`) || !strings.HasPrefix(items[0], `{"kind":"move"`) {
		t.Errorf("items for b.test: %q, want one move item to carol and dave", items)
	}
	if items := w.queued("c.test"); len(items) != 0 {
		t.Errorf("a blocked contact heard of the move: %q", items)
	}
	if woken := w.woken.woken; !slices.Contains(woken, "bob#a.test") || !slices.Contains(woken, "@b.test") {
		t.Errorf("woken %q, want bob and b.test's queue", woken)
	}
	// The same move again is harmless; another one is refused.
	wantCode(t, w.do(http.MethodPost, "/emsg/v1/account/move", "alice#a.test", notice), http.StatusAccepted, "")
	if items := w.queued("b.test"); len(items) != 1 {
		t.Errorf("the same move again queued %d items, want still 1", len(items))
	}
	elsewhere := w.moveNotice("alice#a.test", "alice#d.test", "alice#a.test", 0)
	wantCode(t, w.do(http.MethodPost, "/emsg/v1/account/move", "alice#a.test", elsewhere), http.StatusForbidden, "forbidden")
}

// TestDeleteChecks covers the refusals of deleteAccount in order; none
// changes anything.
func TestDeleteChecks(t *testing.T) {
	w := newWorld(t)
	w.person("alice#a.test")
	tests := []struct {
		name   string
		caller string
		body   []byte
		status int
		code   string
	}{
		// sad path: no token.
		{"anonymous", "", w.deleteNotice("alice#a.test", "alice#a.test", 0), http.StatusUnauthorized, "unauthorized"},
		// sad path: wrong type.
		{"a move", "alice#a.test", w.moveNotice("alice#a.test", "alice#c.test", "alice#a.test", 0), http.StatusBadRequest, "bad_request"},
		// sad path: someone else (DEL-CHECK-01).
		{"not the caller", "alice#a.test", w.deleteNotice("bob#a.test", "bob#a.test", 0), http.StatusForbidden, "forbidden"},
		// sad path: stale (NOTICE-TS-01).
		{"stale", "alice#a.test", w.deleteNotice("alice#a.test", "alice#a.test", -time.Hour), http.StatusUnauthorized, "unauthorized"},
		// sad path: another key (DEL-CHECK-01).
		{"other key", "alice#a.test", w.deleteNotice("alice#a.test", "mallory#c.test", 0), http.StatusUnauthorized, "bad_signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, w.do(http.MethodPost, "/emsg/v1/account/delete", tt.caller, tt.body), tt.status, tt.code)
		})
	}
	if st := w.accountOf("alice#a.test").State; st != store.StateActive {
		t.Errorf("after refused deletions alice is %s, want active", st)
	}
}

// TestDeletePurgesAndNotifies: an accepted deletion marks the account
// deleted, reserves its local part for 180 days (DEL-RESERVE-01), purges
// its data in batches (DEL-PURGE-01), tells its contacts (DEL-NOTIFY-01)
// and leaves its groups (DEL-GROUPS-01).
func TestDeletePurgesAndNotifies(t *testing.T) {
	w := newWorld(t)
	w.befriend("alice#a.test", "bob#a.test")
	w.befriend("alice#a.test", "carol#b.test")
	fav, favID := w.favorite("alice#a.test")
	w.update(func(tx *store.Tx) error {
		if err := tx.PutFavorite("alice#a.test", favID, fav); err != nil {
			return err
		}
		for i := range purgeBatch + 10 { // more than one purge step
			if _, err := tx.AppendEvent("alice#a.test", fmt.Appendf(nil, `{"kind":"expired","from":"bob#a.test","id":"01HF7YAT00011WPRHPQ49SFG%02d"}`, i%100), 0); err != nil {
				return err
			}
		}
		return nil
	})
	wantCode(t, w.do(http.MethodPost, "/emsg/v1/account/delete", "alice#a.test", w.deleteNotice("alice#a.test", "alice#a.test", 0)), http.StatusAccepted, "")
	if st := w.accountOf("alice#a.test").State; st != store.StateDeleted {
		t.Errorf("alice is %s, want deleted", st)
	}
	w.view(func(tx *store.Tx) error {
		until, ok, err := tx.ReservedUntil("alice")
		if !ok || until < wire.ToMillis(testNow)+ReservePeriod {
			t.Errorf("alice reserved until %d (%v), want 180 days on", until, ok)
		}
		evs, _ := tx.Events("alice#a.test", 0, 10)
		cs, _ := tx.Contacts("alice#a.test")
		favs, _ := tx.Favorites("alice#a.test")
		bs, _ := tx.Bundles("alice#a.test")
		if len(evs)+len(cs)+len(favs)+len(bs) != 0 {
			t.Errorf("left after the purge: %d events, %d contacts, %d favorites, %d bundles", len(evs), len(cs), len(favs), len(bs))
		}
		if _, err := tx.TokenAccount(store.HashToken("token:alice#a.test"), wire.ToMillis(testNow)); err == nil {
			t.Errorf("alice's token still works")
		}
		return err
	})
	if c := w.contact("bob#a.test", "alice#a.test"); c.State != "" {
		t.Errorf("bob still holds alice as %s", c.State)
	}
	if evs := w.events("bob#a.test"); len(evs) != 1 || !strings.HasPrefix(evs[0], `{"kind":"deleted","notice":`) {
		t.Errorf("bob's events: %q, want one deleted event", evs)
	}
	if items := w.queued("b.test"); len(items) != 1 || !strings.Contains(items[0], `"to":["carol#b.test"]`) {
		t.Errorf("items for b.test: %q, want one delete item to carol", items)
	}
	if !slices.Equal(w.groups.left, []string{"alice#a.test"}) {
		t.Errorf("left groups: %q, want alice", w.groups.left)
	}
}

// TestResumePurges: a purge a crash interrupted (its mark still set) is
// finished when the server starts again.
func TestResumePurges(t *testing.T) {
	w := newWorld(t)
	w.befriend("alice#a.test", "bob#b.test")
	w.update(func(tx *store.Tx) error { return tx.MarkPurge("alice#a.test") })
	if err := w.svc.ResumePurges(t.Context()); err != nil {
		t.Fatal(err)
	}
	w.view(func(tx *store.Tx) error {
		cs, _ := tx.Contacts("alice#a.test")
		pending, err := tx.PendingPurges()
		if len(cs) != 0 || len(pending) != 0 {
			t.Errorf("after resuming: %d contacts, pending %q; want none", len(cs), pending)
		}
		return err
	})
}
