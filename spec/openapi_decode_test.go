package spec

import (
	"reflect"
	"testing"
)

// decodeCases are inputs where a fast decoder could go wrong; decodeBody
// must agree with decodeInstance on each.
var decodeCases = []struct {
	name string
	raw  string
}{
	// Happy path: bodies that keep the wire rules.
	{"object with nesting", `{"a":{"b":[1,-2,{"c":null}]},"d":true,"e":"x"}`},
	{"colons and quotes inside strings", `{"a:\"b":"c:d\\","e\\\":":":"}`},
	{"empty containers", `{"a":{},"b":[]}`},
	{"scalar document", `"alice#a.test"`},
	{"white space around the value", " \t\r\n{\"a\":1}\n "},
	{"escaped member names that differ", `{"\u0061":1,"b":2}`},

	// Sad path: bodies that break a rule, which decodeInstance locates.
	{"repeated member name", `{"a":1,"a":1}`},
	{"repeated name deep inside", `{"x":[{"k":{"a":1,"b":2,"a":3}}]}`},
	{"repeated name spelled with an escape", `{"a":1,"\u0061":2}`},
	{"fraction", `{"ttl":1.0}`},
	{"exponent", `[1e3]`},
	{"invalid UTF-8", "{\"a\":\"\xff\"}"},
	{"data after the value", `{"a":1} {"b":2}`},
	{"truncated", `{"a":`},
	{"empty", ``},
	{"lone surrogate escape", `{"a":"\ud800"}`},
}

// TestDecodeBodyMatchesDecodeInstance runs the cases.
func TestDecodeBodyMatchesDecodeInstance(t *testing.T) {
	for _, c := range decodeCases {
		t.Run(c.name, func(t *testing.T) { checkDecodeAgrees(t, []byte(c.raw)) })
	}
}

// checkDecodeAgrees fails unless decodeBody and decodeInstance give the
// same value and the same error for raw.
func checkDecodeAgrees(t *testing.T, raw []byte) {
	t.Helper()
	want, wantErr := decodeInstance(raw)
	got, gotErr := decodeBody(raw)
	if !reflect.DeepEqual(gotErr, wantErr) || !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeBody(%q) = %#v, %v; decodeInstance = %#v, %v", raw, got, gotErr, want, wantErr)
	}
}
