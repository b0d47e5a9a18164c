package store

import (
	"fmt"
	"slices"
	"testing"
)

func TestAccounts(t *testing.T) {
	s, _ := openTest(t)
	base := Account{Address: alice, State: StateActive, Created: 1700000000000,
		Settings: Settings{AcceptRequests: true, TTL: 604800, Typing: true, Presence: true}}
	moved := Account{Address: bob, State: StateMoved, MovedTo: "bob#b.test", Created: 1}
	tests := []struct {
		name string
		put  Account
		want error
	}{
		// happy path
		{"an active account with settings", base, nil},
		{"a moved account names where", moved, nil},
		{"a suspended account", Account{Address: "carol#a.test", State: StateSuspended}, nil},
		{"a deleted account", Account{Address: "dave#a.test", State: StateDeleted}, nil},
		// sad path
		{"unknown state", Account{Address: "eve#a.test", State: "frozen"}, ErrBadValue},
		{"moved without moved_to", Account{Address: "eve#a.test", State: StateMoved}, ErrBadValue},
		{"moved_to on an active account", Account{Address: "eve#a.test", State: StateActive, MovedTo: "x#y.test"}, ErrBadValue},
		{"empty address", Account{State: StateActive}, ErrBadKey},
	}
	for _, tt := range tests {
		err := s.Update(t.Context(), func(tx *Tx) error { return tx.PutAccount(tt.put) })
		wantErr(t, tt.name, err, tt.want)
		mustView(t, s, func(tx *Tx) error {
			got, ok, err := tx.GetAccount(tt.put.Address)
			switch {
			case tt.want != nil && tt.put.Address != "" && ok:
				t.Errorf("%s: refused account was stored: %+v", tt.name, got)
			case tt.want == nil && (!ok || err != nil || got != tt.put):
				t.Errorf("%s: GetAccount = %+v %v %v, want %+v", tt.name, got, ok, err, tt.put)
			}
			return nil
		})
	}
	mustView(t, s, func(tx *Tx) error {
		if _, ok, err := tx.GetAccount("nobody#a.test"); ok || err != nil {
			t.Errorf("unknown account: ok %v err %v", ok, err)
		}
		return nil
	})
}

func TestListAccounts(t *testing.T) {
	s, _ := openTest(t)
	mustUpdate(t, s, func(tx *Tx) error {
		for i := range 5 {
			if err := tx.PutAccount(Account{Address: fmt.Sprintf("u%d#a.test", i), State: StateActive}); err != nil {
				return err
			}
		}
		return nil
	})
	tests := []struct {
		name  string
		after string
		limit int
		want  []string
	}{
		// happy path
		{"first page", "", 2, []string{"u0#a.test", "u1#a.test"}},
		{"next page after the last of the previous", "u1#a.test", 2, []string{"u2#a.test", "u3#a.test"}},
		{"after a name between two addresses", "u2", 10, []string{"u2#a.test", "u3#a.test", "u4#a.test"}},
		// sad path
		{"after the last", "u4#a.test", 10, nil},
		{"limit 0", "", 0, nil},
	}
	mustView(t, s, func(tx *Tx) error {
		for _, tt := range tests {
			accs, err := tx.ListAccounts(tt.after, tt.limit)
			var got []string
			for _, a := range accs {
				got = append(got, a.Address)
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("%s: got %v %v, want %v", tt.name, got, err, tt.want)
			}
		}
		return nil
	})
}

func TestBundles(t *testing.T) {
	s, _ := openTest(t)
	// Raw bytes are kept as received, whitespace and member order included.
	b1 := []byte(`{"address":"alice#a.test", "created":1}`)
	b2 := []byte(`{"created":2,"address":"alice#a.test","prev":"x"}`)
	mustUpdate(t, s, func(tx *Tx) error {
		if err := tx.AppendBundle(alice, b1); err != nil {
			return err
		}
		return tx.AppendBundle(alice, b2)
	})
	mustUpdate(t, s, func(tx *Tx) error { return tx.AppendBundle("alice#a.tests", []byte("other")) })
	mustView(t, s, func(tx *Tx) error {
		// happy path
		chain, err := tx.Bundles(alice)
		if err != nil || len(chain) != 2 || string(chain[0]) != string(b1) || string(chain[1]) != string(b2) {
			t.Errorf("Bundles = %q %v, want [b1 b2]", chain, err)
		}
		cur, err := tx.CurrentBundle(alice)
		if err != nil || string(cur) != string(b2) {
			t.Errorf("CurrentBundle = %q %v, want b2", cur, err)
		}
		// sad path: no bundle
		chain, err = tx.Bundles("bob#a.test")
		if err != nil || len(chain) != 0 {
			t.Errorf("Bundles of unknown = %q %v, want none", chain, err)
		}
		_, err = tx.CurrentBundle("bob#a.test")
		wantErr(t, "CurrentBundle of unknown", err, ErrNotFound)
		_, err = tx.CurrentBundle("alice#a.tes") // a prefix of alice's address
		wantErr(t, "CurrentBundle of a prefix", err, ErrNotFound)
		return nil
	})
	// sad path: an empty bundle is refused
	err := s.Update(t.Context(), func(tx *Tx) error { return tx.AppendBundle(alice, nil) })
	wantErr(t, "AppendBundle(empty)", err, ErrBadValue)
}

func TestReserved(t *testing.T) {
	s, _ := openTest(t)
	steps := []struct {
		name    string
		reserve int64 // 0: none
		want    int64
		wantOK  bool
	}{
		// sad path
		{"never reserved", 0, 0, false},
		// happy path
		{"reserved until 500", 500, 500, true},
		{"a later reservation extends", 900, 900, true},
		{"an earlier one does not shorten", 100, 900, true},
	}
	for _, st := range steps {
		if st.reserve != 0 {
			mustUpdate(t, s, func(tx *Tx) error { return tx.Reserve("alice", millis(st.reserve)) })
		}
		mustView(t, s, func(tx *Tx) error {
			got, ok, err := tx.ReservedUntil("alice")
			if err != nil || ok != st.wantOK || got != millis(st.want) {
				t.Errorf("%s: ReservedUntil = %d %v %v, want %d %v", st.name, got, ok, err, st.want, st.wantOK)
			}
			return nil
		})
	}
}
