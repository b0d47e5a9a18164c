package envelope

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// The fast path takes exactly the canonical text messages, and decodes
// them as the strict decoder does.
func TestFastPathAgreesWithStrictDecoder(t *testing.T) {
	alice, bob := newAccount(t, "alice#a.test"), newAccount(t, "bob#b.test")
	texts := []string{"hi", "tab\there", `"\/`, "\x00\x1f\x7f", "é😀\u2028", strings.Repeat("x", 5000)}
	for _, text := range texts {
		_, in := seal(t, "fast", alice, bob.addr, recipients(bob), text)
		raw, err := in.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		fast, fastBody, ok := decodeCanonicalInner(raw)
		if !ok {
			t.Fatalf("%q: canonical message not taken by the fast path: %s", text, raw)
		}
		strict, strictBody, err := decodeInner(raw)
		if err != nil {
			t.Fatalf("%q: strict decoder: %v", text, err)
		}
		if !reflect.DeepEqual(fast, strict) || !bytes.Equal(fastBody, strictBody) {
			t.Fatalf("%q: fast %+v, strict %+v", text, fast, strict)
		}
	}
}

// Valid but non-canonical inputs leave the fast path (and are then
// verified generically).
func TestFastPathDeclinesNonCanonical(t *testing.T) {
	alice, bob := newAccount(t, "alice#a.test"), newAccount(t, "bob#b.test")
	_, in := seal(t, "fast", alice, bob.addr, recipients(bob), "hi/A")
	raw, err := in.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	variants := []struct {
		name string
		raw  string
	}{
		// an escaped solidus is valid JSON but not JCS
		{"escaped solidus", strings.Replace(string(raw), "hi/A", `hi\/A`, 1)},
		// a \u escape of a printable character
		{"unicode escape", strings.Replace(string(raw), "hi/A", `hi/\u0041`, 1)},
		// an upper-case address folds to the same one but is not canonical
		{"upper-case from", strings.Replace(string(raw), `"alice#`, `"Alice#`, 1)},
		// a leading zero is not even valid JSON
		{"leading zero", strings.Replace(string(raw), `"ts":`, `"ts":0`, 1)},
		// white space
		{"space", strings.Replace(string(raw), `,"v":1}`, `, "v":1}`, 1)},
		// members reordered
		{"reordered", string(reencode(t, raw))},
		// a vendor body
		{"vendor body", string(withMember(t, raw, "body", `{"type":"vnd.a.test.x"}`))},
		// trailing data
		{"trailing", string(raw) + " "},
	}
	for _, v := range variants {
		if _, _, ok := decodeCanonicalInner([]byte(v.raw)); ok {
			t.Errorf("%s: taken by the fast path: %s", v.name, v.raw)
		}
		if v.name == "leading zero" {
			continue
		}
		if !json.Valid([]byte(v.raw)) {
			t.Errorf("%s: the variant should be valid JSON", v.name)
		}
	}
}
