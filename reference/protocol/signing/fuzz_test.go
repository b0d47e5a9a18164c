package signing

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// FuzzVerify checks that Verify never panics, fails only with a typed
// error, and accepts a mutated object only when its signing input is
// unchanged (re-formatting, never a different value).
func FuzzVerify(f *testing.F) {
	priv := testKey("fuzz")
	pub := priv.Public().(ed25519.PublicKey)
	obj := map[string]any{"address": "alice#a.test", "created": 1700000000000, "type": "login"}
	sig, err := Sign(obj, priv)
	if err != nil {
		f.Fatal(err)
	}
	obj["sig"] = sig
	raw, err := json.Marshal(obj)
	if err != nil {
		f.Fatal(err)
	}
	want, err := Input(raw)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add([]byte(`{"sig":"AAAA"}`))
	f.Add([]byte(`{"prev":{"sig":1},"sig":[]}`))
	known := map[wire.Defect]bool{wire.BadEncoding: true, wire.Malformed: true, wire.BadSignature: true}
	f.Fuzz(func(t *testing.T, in []byte) {
		err := Verify(in, pub)
		if err != nil {
			if !known[wire.DefectOf(err)] {
				t.Fatalf("Verify(%q): untyped or unexpected error %v", in, err)
			}
			return
		}
		got, err := Input(in)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("Verify accepted %q whose signing input %q differs from the signed %q", in, got, want)
		}
	})
}
