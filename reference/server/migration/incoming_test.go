package migration

import (
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// TestApplyMove: a move item switches the contact of each recipient that
// holds the old address, after checking the notice with the bundle it
// holds (FED-SPOOF-05); a replay changes nothing.
func TestApplyMove(t *testing.T) {
	tests := []struct {
		name   string
		signer string
		code   string // "" applied
	}{
		// happy path: signed by the key bob holds for alice.
		{"held key", "alice#b.test", ""},
		// sad path: signed by another key.
		{"other key", "mallory#b.test", "bad_signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.befriend("bob#a.test", "alice#b.test")
			w.person("carol#a.test") // no contact of alice: left alone
			raw := w.moveNotice("alice#b.test", "alice#c.test", tt.signer, 0)
			n, err := account.ParseMoveNotice(raw)
			if err != nil {
				t.Fatal(err)
			}
			to := []address.Address{mustAddr("bob#a.test"), mustAddr("carol#a.test")}
			for range 2 { // the second time is a replay
				var applyErr error
				w.update(func(tx *store.Tx) error {
					_, applyErr = ApplyMove(tx, n, to, 1)
					return nil
				})
				if got := codeOf(applyErr); got != tt.code {
					t.Fatalf("ApplyMove: %v, want code %q", applyErr, tt.code)
				}
			}
			want := map[bool]string{true: "alice#c.test", false: "alice#b.test"}[tt.code == ""]
			if c := w.contact("bob#a.test", want); c.State != store.ContactAccepted {
				t.Errorf("bob holds %s as %q, want accepted", want, c.State)
			}
			if n := len(w.events("bob#a.test")); n != map[bool]int{true: 1, false: 0}[tt.code == ""] {
				t.Errorf("bob got %d events", n)
			}
		})
	}
}

// TestApplyDelete: a delete item drops the contact of each recipient that
// holds the address, after checking the notice; a forged one changes
// nothing.
func TestApplyDelete(t *testing.T) {
	w := newWorld(t)
	w.befriend("bob#a.test", "alice#b.test")
	forged, err := account.ParseDeleteNotice(w.deleteNotice("alice#b.test", "mallory#b.test", 0))
	if err != nil {
		t.Fatal(err)
	}
	good, err := account.ParseDeleteNotice(w.deleteNotice("alice#b.test", "alice#b.test", 0))
	if err != nil {
		t.Fatal(err)
	}
	to := []address.Address{mustAddr("bob#a.test")}
	var errForged, errGood error
	w.update(func(tx *store.Tx) error { _, errForged = ApplyDelete(tx, forged, to); return nil })
	if codeOf(errForged) != "bad_signature" {
		t.Errorf("forged delete: %v, want bad_signature", errForged)
	}
	w.update(func(tx *store.Tx) error { _, errGood = ApplyDelete(tx, good, to); return nil })
	if errGood != nil {
		t.Errorf("delete: %v", errGood)
	}
	if c := w.contact("bob#a.test", "alice#b.test"); c.State != "" {
		t.Errorf("bob still holds alice as %s", c.State)
	}
	if evs := w.events("bob#a.test"); len(evs) != 1 {
		t.Errorf("bob's events: %q, want one deleted event", evs)
	}
}

// codeOf is the error code of err ("" for nil).
func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return httpapi.AsError(err).Code
}
