package envelope

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// FuzzParseEnvelope feeds arbitrary bytes to the strict decoder: it never
// panics, every failure is typed, and every accepted envelope re-encodes to
// an envelope that parses to the same value.
func FuzzParseEnvelope(f *testing.F) {
	f.Add(validEnvelope(f))
	f.Add([]byte(`{"v":2}`))
	f.Add([]byte(`{"v":1,"keys":{"a#b.c":"AA"}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		env, err := ParseEnvelope(raw)
		if err != nil {
			if wire.DefectOf(err) == "" {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		out, err := env.MarshalJSON()
		if err != nil {
			t.Fatalf("accepted envelope does not encode: %v", err)
		}
		again, err := ParseEnvelope(out)
		if err != nil {
			t.Fatalf("re-encoded envelope does not parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(env, again) {
			t.Fatalf("round trip changed the envelope:\n%+v\n%+v", env, again)
		}
	})
}

// FuzzOpen encrypts arbitrary bytes as the inner message of a valid
// envelope, under the reader's real content key, so that every input
// reaches the inner decoder and the signature check. Open never panics,
// fails with a typed error, and the fast path agrees with the strict
// decoder on every input it takes.
func FuzzOpen(f *testing.F) {
	alice, bob := newAccount(f, "alice#a.test"), newAccount(f, "bob#b.test")
	env, in := seal(f, "fuzz", alice, bob.addr, recipients(bob), "hi")
	valid, err := in.MarshalJSON()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add(reencode(f, valid))
	f.Add([]byte(`{"v":1}`))
	f.Fuzz(func(t *testing.T, plaintext []byte) {
		e := *env
		reencrypt(t, &e, bob, plaintext)
		got, err := bob.open(&e, alice)
		if err != nil && wire.DefectOf(err) == "" {
			t.Fatalf("untyped error: %v", err)
		}
		if err == nil && got.ID != env.ID {
			t.Fatalf("opened with id %s, want %s", got.ID, env.ID)
		}
		fast, fastBody, ok := decodeCanonicalInner(plaintext)
		if !ok {
			return
		}
		strict, strictBody, err := decodeInner(plaintext)
		if err != nil {
			t.Fatalf("fast path took what the strict decoder rejects (%v): %q", err, plaintext)
		}
		if !reflect.DeepEqual(fast, strict) || !bytes.Equal(fastBody, strictBody) {
			t.Fatalf("fast path and strict decoder differ on %q", plaintext)
		}
	})
}
