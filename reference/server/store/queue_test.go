package store

import (
	"slices"
	"testing"
)

// idsOf returns the ids of items.
func idsOf(items []QueueItem) []uint64 {
	var out []uint64
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestQueue(t *testing.T) {
	s, _ := openTest(t)
	mustUpdate(t, s, func(tx *Tx) error {
		for i, exp := range []int64{0, 2000, 1000, 0} {
			id, err := tx.Enqueue("b.test", []byte{'0' + byte(i)}, millis(exp))
			if err != nil {
				return err
			}
			if id != uint64(i+1) {
				t.Errorf("Enqueue #%d got id %d, want %d", i, id, i+1)
			}
		}
		_, err := tx.Enqueue("b.test.x", []byte("x"), 0) // b.test as a prefix
		return err
	})
	peek := func(name, dest string, n int, want []uint64) []QueueItem {
		t.Helper()
		var items []QueueItem
		mustView(t, s, func(tx *Tx) (err error) {
			items, err = tx.Peek(dest, n)
			return err
		})
		if got := idsOf(items); !slices.Equal(got, want) {
			t.Errorf("%s: Peek ids %v, want %v", name, got, want)
		}
		return items
	}
	// happy path
	items := peek("head of two", "b.test", 2, []uint64{1, 2})
	if string(items[1].Data) != "1" || items[1].Expires != 2000 || items[1].Dest != "b.test" {
		t.Errorf("item 2 = %+v", items[1])
	}
	peek("another destination is its own queue", "b.test.x", 10, []uint64{1})
	for _, c := range []struct {
		name  string
		after uint64
		want  []uint64
	}{
		{"after 0 is the head", 0, []uint64{1, 2, 3}},
		{"after an id skips it and those before", 2, []uint64{3, 4}},
		{"after the last id is empty, not the next destination", 4, nil},
	} {
		var items []QueueItem
		mustView(t, s, func(tx *Tx) (err error) { items, err = tx.PeekAfter("b.test", c.after, 3); return err })
		if got := idsOf(items); !slices.Equal(got, c.want) {
			t.Errorf("%s: PeekAfter ids %v, want %v", c.name, got, c.want)
		}
	}
	// sad path
	peek("empty destination", "c.test", 10, nil)

	// A failed send: attempts and next attempt are kept.
	mustUpdate(t, s, func(tx *Tx) error { return tx.Retry("b.test", 1, 7000) })
	mustUpdate(t, s, func(tx *Tx) error { return tx.Retry("b.test", 1, 9000) })
	items = peek("after two retries", "b.test", 1, []uint64{1})
	if items[0].Attempts != 2 || items[0].NextAttempt != 9000 {
		t.Errorf("after retries: attempts %d next %d, want 2 9000", items[0].Attempts, items[0].NextAttempt)
	}
	err := s.Update(t.Context(), func(tx *Tx) error { return tx.Retry("b.test", 99, 1) })
	wantErr(t, "Retry of an unknown id", err, ErrNotFound)
	// A wait the destination asked for moves the next attempt only.
	mustUpdate(t, s, func(tx *Tx) error { return tx.Postpone("b.test", 1, 12000) })
	items = peek("after a postponement", "b.test", 1, []uint64{1})
	if items[0].Attempts != 2 || items[0].NextAttempt != 12000 {
		t.Errorf("after Postpone: attempts %d next %d, want 2 12000", items[0].Attempts, items[0].NextAttempt)
	}
	err = s.Update(t.Context(), func(tx *Tx) error { return tx.Postpone("b.test", 99, 1) })
	wantErr(t, "Postpone of an unknown id", err, ErrNotFound)

	// Answered items leave; unknown ids are skipped.
	mustUpdate(t, s, func(tx *Tx) error { return tx.Done("b.test", []uint64{1, 99}) })
	peek("after Done", "b.test", 10, []uint64{2, 3, 4})

	// Expiry removes and returns expired items, oldest expiry first.
	var removed []QueueItem
	var more bool
	mustUpdate(t, s, func(tx *Tx) (err error) { removed, more, err = tx.ExpireQueue(2000, 10); return err })
	if got := idsOf(removed); !slices.Equal(got, []uint64{3, 2}) || more || string(removed[0].Data) != "2" {
		t.Errorf("ExpireQueue = %v more %v, want [3 2] false", got, more)
	}
	peek("after expiry", "b.test", 10, []uint64{4})

	var dests []string
	mustView(t, s, func(tx *Tx) (err error) { dests, err = tx.Destinations(); return err })
	if !slices.Equal(dests, []string{"b.test", "b.test.x"}) {
		t.Errorf("Destinations = %v", dests)
	}
	mustUpdate(t, s, func(tx *Tx) error { return tx.Done("b.test", []uint64{4}) })
	mustView(t, s, func(tx *Tx) (err error) { dests, err = tx.Destinations(); return err })
	if !slices.Equal(dests, []string{"b.test.x"}) {
		t.Errorf("Destinations after emptying b.test = %v", dests)
	}
	// Ids are never reused, even when the queue was empty.
	mustUpdate(t, s, func(tx *Tx) error {
		id, err := tx.Enqueue("b.test", []byte("5"), 0)
		if id != 5 {
			t.Errorf("Enqueue after emptying: id %d, want 5", id)
		}
		return err
	})
}
