package store

import (
	"fmt"
	"testing"
)

func TestDedupe(t *testing.T) {
	s, _ := openTest(t)
	mustUpdate(t, s, func(tx *Tx) error {
		if err := tx.Remember(alice, "01A", []byte("seq 1"), 1000); err != nil {
			return err
		}
		if err := tx.Remember(alice, "01B", []byte("seq 2"), 0); err != nil {
			return err
		}
		// Remembered again with a later expiry: the first index entry must not remove it.
		if err := tx.Remember(bob, "01C", []byte("old"), 1000); err != nil {
			return err
		}
		return tx.Remember(bob, "01C", []byte("new"), 3000)
	})
	seen := func(name, from, id string, wantRec string, wantOK bool) {
		t.Helper()
		mustView(t, s, func(tx *Tx) error {
			rec, ok, err := tx.Seen(from, id)
			if err != nil || ok != wantOK || string(rec) != wantRec {
				t.Errorf("%s: Seen = %q %v %v, want %q %v", name, rec, ok, err, wantRec, wantOK)
			}
			return nil
		})
	}
	// happy path
	seen("remembered", alice, "01A", "seq 1", true)
	seen("remembered again replaces", bob, "01C", "new", true)
	// sad path
	seen("another sender's id", bob, "01A", "", false)
	seen("unknown id", alice, "01Z", "", false)

	steps := []struct {
		name     string
		now      int64
		limit    int
		want     int
		wantMore bool
	}{
		// sad path
		{"nothing expired", 999, 10, 0, false},
		// happy path
		{"limit 1 of two entries due", 1000, 1, 1, true},
		{"the stale entry of the re-remembered key removes nothing", 1000, 10, 0, false},
		{"the new expiry", 3000, 10, 1, false},
	}
	for _, st := range steps {
		var n int
		var more bool
		mustUpdate(t, s, func(tx *Tx) (err error) {
			n, more, err = tx.ExpireDedupe(millis(st.now), st.limit)
			return err
		})
		if n != st.want || more != st.wantMore {
			t.Errorf("%s: removed %d more %v, want %d %v", st.name, n, more, st.want, st.wantMore)
		}
	}
	seen("expired and swept", alice, "01A", "", false)
	seen("re-remembered key swept at its new expiry", bob, "01C", "", false)
	seen("no expiry stays", alice, "01B", "seq 2", true)

	// sad path: names that cannot be keys
	for _, k := range [][2]string{{"", "id"}, {alice, ""}, {"a\x00", "id"}, {alice, "i\x00d"}} {
		err := s.Update(t.Context(), func(tx *Tx) error { return tx.Remember(k[0], k[1], nil, 0) })
		wantErr(t, fmt.Sprintf("Remember(%q, %q)", k[0], k[1]), err, ErrBadKey)
	}
}

func TestTxns(t *testing.T) {
	s, _ := openTest(t)
	mustUpdate(t, s, func(tx *Tx) error {
		return tx.PutTxnResult("a.test", "a-000017", []byte(`{"results":[]}`), 1000)
	})
	check := func(name, origin, txn, want string, wantOK bool) {
		t.Helper()
		mustView(t, s, func(tx *Tx) error {
			got, ok, err := tx.TxnResult(origin, txn)
			if err != nil || ok != wantOK || string(got) != want {
				t.Errorf("%s: TxnResult = %q %v %v, want %q %v", name, got, ok, err, want, wantOK)
			}
			return nil
		})
	}
	// happy path
	check("a replay gets the first response", "a.test", "a-000017", `{"results":[]}`, true)
	// sad path
	check("same txn name from another origin", "c.test", "a-000017", "", false)
	check("unknown txn", "a.test", "a-000018", "", false)
	var n int
	mustUpdate(t, s, func(tx *Tx) (err error) { n, _, err = tx.ExpireTxns(1000, 10); return err })
	if n != 1 {
		t.Errorf("ExpireTxns removed %d, want 1", n)
	}
	check("after expiry", "a.test", "a-000017", "", false)
}

func TestContacts(t *testing.T) {
	s, _ := openTest(t)
	carol := Contact{Address: "carol#b.test", State: ContactAccepted, Bundle: []byte(`{"x": 1}`), Updated: 5}
	dave := Contact{Address: "dave#c.test", State: ContactBlocked, Updated: 6}
	tests := []struct {
		name  string
		owner string
		c     Contact
		want  error
	}{
		// happy path
		{"accepted with bundle", alice, carol, nil},
		{"blocked stranger without bundle", alice, dave, nil},
		{"same contact in bob's list", bob, carol, nil},
		// sad path
		{"unknown state", alice, Contact{Address: "eve#b.test", State: "friend"}, ErrBadValue},
		{"empty address", alice, Contact{State: ContactAccepted}, ErrBadKey},
	}
	for _, tt := range tests {
		err := s.Update(t.Context(), func(tx *Tx) error { return tx.PutContact(tt.owner, tt.c) })
		wantErr(t, tt.name, err, tt.want)
	}
	mustView(t, s, func(tx *Tx) error {
		list, err := tx.Contacts(alice)
		if err != nil || len(list) != 2 || list[0].Address != carol.Address || string(list[0].Bundle) != string(carol.Bundle) || list[1].Address != dave.Address {
			t.Errorf("Contacts(alice) = %+v %v, want [carol dave]", list, err)
		}
		if c, ok, err := tx.GetContact(alice, "dave#c.test"); !ok || err != nil || c.State != ContactBlocked {
			t.Errorf("GetContact(dave) = %+v %v %v", c, ok, err)
		}
		if _, ok, err := tx.GetContact(alice, "eve#b.test"); ok || err != nil {
			t.Errorf("refused contact stored: %v %v", ok, err)
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error { return tx.DeleteContact(alice, carol.Address) })
	err := s.Update(t.Context(), func(tx *Tx) error { return tx.DeleteContact(alice, carol.Address) })
	wantErr(t, "delete twice", err, ErrNotFound)
	mustView(t, s, func(tx *Tx) error {
		if list, _ := tx.Contacts(bob); len(list) != 1 {
			t.Errorf("bob's list after alice's delete: %+v, want carol", list)
		}
		return nil
	})
}
