package keys

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// FuzzParseBundle checks that ParseBundle never panics, fails only with a
// typed error, and that an accepted bundle verifies in memory and
// re-encodes to the signing input that was received.
func FuzzParseBundle(f *testing.F) {
	first := mustIdentity(f, "alice", "alice#a.test")
	f.Add(mustJSON(f, first.Bundle()))
	f.Add(mustJSON(f, mustRotate(f, first, "alice-2").Bundle()))
	f.Add([]byte(`{"address":"a#b.c","sign_key":"","box_key":"","created":1,"prev":{"sign_key":"","sig":""},"sig":""}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := ParseBundle(raw)
		if err != nil {
			if wire.DefectOf(err) == "" {
				t.Fatalf("ParseBundle(%q): untyped error %v", raw, err)
			}
			return
		}
		if err := b.Verify(); err != nil {
			t.Fatalf("ParseBundle accepted %q but Verify fails: %v", raw, err)
		}
		enc, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		got, err1 := signing.Input(enc)
		want, err2 := signing.Input(raw)
		if err1 != nil || err2 != nil || !bytes.Equal(got, want) {
			t.Fatalf("re-encoding %q changed the signing input: %q vs %q", raw, got, want)
		}
	})
}
