package store

import (
	"testing"
)

func TestChallenges(t *testing.T) {
	s, _ := openTest(t)
	live, old := []byte("challenge-live-32-bytes........."), []byte("challenge-old")
	mustUpdate(t, s, func(tx *Tx) error {
		if err := tx.PutChallenge(live, alice, 5000); err != nil {
			return err
		}
		return tx.PutChallenge(old, bob, 1000)
	})
	steps := []struct {
		name     string
		ch       []byte
		now      int64
		wantAddr string
		want     error
	}{
		// happy path
		{"first use returns the address", live, 4999, alice, nil},
		// sad path
		{"second use is a replay", live, 4999, "", ErrReplayed},
		{"expired", old, 1000, "", ErrExpired},
		{"never issued", []byte("nope"), 0, "", ErrNotFound},
	}
	for _, st := range steps {
		var addr string
		err := s.Update(t.Context(), func(tx *Tx) (err error) {
			addr, err = tx.TakeChallenge(st.ch, millis(st.now))
			return err
		})
		wantErr(t, st.name, err, st.want)
		if addr != st.wantAddr {
			t.Errorf("%s: address %q, want %q", st.name, addr, st.wantAddr)
		}
	}
	// The sweep removes both once expired; afterwards a replay is unknown.
	var removed int
	mustUpdate(t, s, func(tx *Tx) (err error) {
		removed, _, err = tx.ExpireChallenges(5000, 10)
		return err
	})
	if removed != 2 {
		t.Errorf("ExpireChallenges removed %d, want 2", removed)
	}
	err := s.Update(t.Context(), func(tx *Tx) error { _, err := tx.TakeChallenge(live, 0); return err })
	wantErr(t, "after the sweep", err, ErrNotFound)
	// sad path: bad input
	err = s.Update(t.Context(), func(tx *Tx) error { return tx.PutChallenge(nil, alice, 1) })
	wantErr(t, "empty challenge", err, ErrBadKey)
}

func TestTokens(t *testing.T) {
	s, _ := openTest(t)
	a1, a2, b1, exp := HashToken("a1"), HashToken("a2"), HashToken("b1"), HashToken("exp")
	mustUpdate(t, s, func(tx *Tx) error {
		for _, p := range []struct {
			h    TokenHash
			addr string
			exp  int64
		}{{a1, alice, 9000}, {a2, alice, 9000}, {b1, bob, 9000}, {exp, bob, 1000}} {
			if err := tx.PutToken(p.h, p.addr, millis(p.exp)); err != nil {
				return err
			}
		}
		return nil
	})
	check := func(name string, h TokenHash, now int64, wantAddr string, want error) {
		t.Helper()
		mustView(t, s, func(tx *Tx) error {
			addr, err := tx.TokenAccount(h, millis(now))
			wantErr(t, name, err, want)
			if addr != wantAddr {
				t.Errorf("%s: address %q, want %q", name, addr, wantAddr)
			}
			return nil
		})
	}
	// happy path
	check("alice's token", a1, 100, alice, nil)
	check("bob's token", b1, 100, bob, nil)
	// sad path
	check("unknown token", HashToken("nope"), 100, "", ErrNotFound)
	check("expired token", exp, 1000, "", ErrExpired)

	// Logout revokes one token at once.
	mustUpdate(t, s, func(tx *Tx) error { return tx.DeleteToken(a1) })
	check("after logout", a1, 100, "", ErrNotFound)
	check("the other token of alice stays", a2, 100, alice, nil)
	err := s.Update(t.Context(), func(tx *Tx) error { return tx.DeleteToken(a1) })
	wantErr(t, "second logout", err, ErrNotFound)

	// Suspension revokes every token of the account, and only those.
	var n int
	mustUpdate(t, s, func(tx *Tx) (err error) { n, err = tx.DeleteTokensOf(alice); return err })
	if n != 1 {
		t.Errorf("DeleteTokensOf(alice) revoked %d, want 1", n)
	}
	check("alice's last token after suspension", a2, 100, "", ErrNotFound)
	check("bob untouched", b1, 100, bob, nil)

	// The sweep removes the expired token and its index entry.
	var removed int
	mustUpdate(t, s, func(tx *Tx) (err error) { removed, _, err = tx.ExpireTokens(1000, 10); return err })
	if removed != 1 {
		t.Errorf("ExpireTokens removed %d, want 1", removed)
	}
	mustUpdate(t, s, func(tx *Tx) (err error) { n, err = tx.DeleteTokensOf(bob); return err })
	if n != 1 {
		t.Errorf("DeleteTokensOf(bob) after the sweep revoked %d, want 1 (the index kept a swept token?)", n)
	}
}

func TestInvites(t *testing.T) {
	s, _ := openTest(t)
	good, old := HashToken("good"), HashToken("old")
	mustUpdate(t, s, func(tx *Tx) error {
		if err := tx.PutInvite(good, 5000); err != nil {
			return err
		}
		return tx.PutInvite(old, 1000)
	})
	steps := []struct {
		name string
		h    TokenHash
		now  int64
		want error
	}{
		// happy path
		{"first use", good, 100, nil},
		// sad path
		{"second use", good, 100, ErrNotFound},
		{"expired", old, 1000, ErrExpired},
		{"unknown", HashToken("x"), 100, ErrNotFound},
	}
	for _, st := range steps {
		err := s.Update(t.Context(), func(tx *Tx) error { return tx.UseInvite(st.h, millis(st.now)) })
		wantErr(t, st.name, err, st.want)
	}
	var removed int
	mustUpdate(t, s, func(tx *Tx) (err error) { removed, _, err = tx.ExpireInvites(5000, 10); return err })
	if removed != 1 {
		t.Errorf("ExpireInvites removed %d, want 1 (the used one is gone already)", removed)
	}
}
