package store

import (
	"context"
	"testing"
)

func TestHeldItemsAreReleasedOnce(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	it := HeldItem{Session: "01HF7YAT00Q07B9BN8X34BT83J", ID: "01HF7YAT00011WPRHPQ49SFGWC", Dest: "b.test", Data: []byte(`{"kind":"envelope"}`), Expires: 42}
	if err := st.Update(ctx, func(tx *Tx) error { return tx.Hold(it) }); err != nil {
		t.Fatal(err)
	}
	var listed []HeldItem
	st.View(func(tx *Tx) error { listed, err = tx.HeldItems(10); return err })
	if len(listed) != 1 || listed[0].Session != it.Session || listed[0].ID != it.ID || string(listed[0].Data) != string(it.Data) {
		t.Fatalf("listed %+v", listed)
	}
	for i, want := range []bool{true, false} { // released, then nothing left
		var ok bool
		var got HeldItem
		if err := st.Update(ctx, func(tx *Tx) error { got, ok, err = tx.Release(it.Session, it.ID); return err }); err != nil {
			t.Fatal(err)
		}
		if ok != want || ok && (got.Dest != "b.test" || got.Expires != 42) {
			t.Fatalf("release %d: %+v %v", i, got, ok)
		}
	}
	// A key component that cannot be stored is refused.
	if err := st.Update(ctx, func(tx *Tx) error { return tx.Hold(HeldItem{Session: "", ID: "x", Dest: "b.test"}) }); err == nil {
		t.Fatal("an empty session id was held")
	}
}
