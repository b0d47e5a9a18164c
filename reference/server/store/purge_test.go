package store

import (
	"errors"
	"fmt"
	"testing"
)

// TestFavorites: put, replace, list in id order, delete, and not_found
// for an unknown id.
func TestFavorites(t *testing.T) {
	s, _ := openTest(t)
	mustUpdate(t, s, func(tx *Tx) error {
		for _, f := range []struct{ id, raw string }{{"02", `{"b":1}`}, {"01", `{"a":1}`}, {"02", `{"b":2}`}} {
			if err := tx.PutFavorite("bob#a.test", f.id, []byte(f.raw)); err != nil {
				return err
			}
		}
		return tx.PutFavorite("bobby#a.test", "03", []byte(`{}`))
	})
	mustView(t, s, func(tx *Tx) error {
		favs, err := tx.Favorites("bob#a.test")
		if fmt.Sprintf("%s", favs) != `[{"a":1} {"b":2}]` {
			t.Errorf("favorites %s, want the two of bob in id order, the second replaced", favs)
		}
		return err
	})
	mustUpdate(t, s, func(tx *Tx) error { return tx.DeleteFavorite("bob#a.test", "01") })
	err := s.Update(t.Context(), func(tx *Tx) error { return tx.DeleteFavorite("bob#a.test", "01") })
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting twice: %v, want ErrNotFound", err)
	}
}

// TestPurgeAccountInSteps: a purge removes an account's events,
// contacts, favorites, tokens and bundles, at most limit records per
// step, and nothing of other accounts.
func TestPurgeAccountInSteps(t *testing.T) {
	s, _ := openTest(t)
	mustUpdate(t, s, func(tx *Tx) error {
		for i := range 5 {
			if _, err := tx.AppendEvent("alice#a.test", []byte(`{}`), 0); err != nil {
				return err
			}
			if err := tx.PutContact("alice#a.test", Contact{Address: fmt.Sprintf("c%d#b.test", i), State: ContactAccepted}); err != nil {
				return err
			}
		}
		if err := tx.PutFavorite("alice#a.test", "01", []byte(`{}`)); err != nil {
			return err
		}
		if err := tx.PutToken(HashToken("t"), "alice#a.test", 0); err != nil {
			return err
		}
		if err := tx.AppendBundle("alice#a.test", []byte(`{}`)); err != nil {
			return err
		}
		_, err := tx.AppendEvent("alicia#a.test", []byte(`{}`), 0)
		return err
	})
	steps := 0
	for more := true; more; steps++ {
		mustUpdate(t, s, func(tx *Tx) error {
			var err error
			more, err = tx.PurgeAccount("alice#a.test", 4)
			return err
		})
	}
	if steps != 4 { // 13 records, 4 per step
		t.Errorf("purged in %d steps, want 4", steps)
	}
	mustView(t, s, func(tx *Tx) error {
		evs, _ := tx.Events("alice#a.test", 0, 100)
		cs, _ := tx.Contacts("alice#a.test")
		favs, _ := tx.Favorites("alice#a.test")
		bs, _ := tx.Bundles("alice#a.test")
		_, tokErr := tx.TokenAccount(HashToken("t"), 0)
		other, err := tx.Events("alicia#a.test", 0, 100)
		if len(evs)+len(cs)+len(favs)+len(bs) != 0 || tokErr == nil || len(other) != 1 {
			t.Errorf("left: %d events, %d contacts, %d favorites, %d bundles, token %v; alicia has %d events",
				len(evs), len(cs), len(favs), len(bs), tokErr, len(other))
		}
		return err
	})
}
