package account

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// now is the clock of every test.
var now = time.UnixMilli(1_700_000_000_000)

// identity makes the seeded identity of an address.
func identity(t testing.TB, addr string) *keys.Identity {
	t.Helper()
	id, err := keys.NewIdentity(wire.Seeded(addr, now), address.MustParse(addr))
	if err != nil {
		t.Fatalf("NewIdentity(%s): %v", addr, err)
	}
	return id
}

// pub returns the public sign key of id.
func pub(id *keys.Identity) ed25519.PublicKey { return id.Bundle().SignPublic() }

// encoded is anything with an encoding.
type encoded interface{ Bytes() ([]byte, error) }

func mustBytes(t testing.TB, v encoded) []byte {
	t.Helper()
	b, err := v.Bytes()
	if err != nil {
		t.Fatalf("Bytes: %v", err)
	}
	return b
}

// mutate decodes raw, lets f change the members and re-encodes it.
func mutate(t testing.TB, raw []byte, f func(m map[string]any)) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode: %v", err)
	}
	f(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return out
}

// set returns a mutation that sets the member at path to the JSON text v;
// path elements are member names, or indexes (as int) into arrays.
func set(v string, path ...any) func(map[string]any) {
	return func(m map[string]any) { put(m, path, json.RawMessage(v)) }
}

// drop returns a mutation that removes the member at path.
func drop(path ...any) func(map[string]any) {
	return func(m map[string]any) { put(m, path, nil) }
}

// put sets (or, for v == nil, deletes) the member at path.
func put(m map[string]any, path []any, v any) {
	var cur any = m
	for _, p := range path[:len(path)-1] {
		switch k := p.(type) {
		case string:
			cur = cur.(map[string]any)[k]
		case int:
			cur = cur.([]any)[k]
		}
	}
	obj := cur.(map[string]any)
	last := path[len(path)-1].(string)
	if v == nil {
		delete(obj, last)
		return
	}
	obj[last] = v
}

// wantDefect fails the test unless err has defect want in field.
func wantDefect(t *testing.T, err error, want wire.Defect, field string) {
	t.Helper()
	var we *wire.Error
	if want == "" {
		if err != nil {
			t.Fatalf("got %v, want no error", err)
		}
		return
	}
	if !errors.As(err, &we) || we.Defect != want {
		t.Fatalf("got %v, want defect %s", err, want)
	}
	if field != "*" && we.Field != field {
		t.Errorf("got field %q, want %q (%v)", we.Field, field, err)
	}
}
