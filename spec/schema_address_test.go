package spec

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestAddressPattern checks defs.json's address definition against the
// grammar of contract section "Addresses", one row per rule. The schema
// holds the canonical (lower-case) form: case-folding happens on input, so
// upper case is rejected here.
func TestAddressPattern(t *testing.T) {
	label63 := strings.Repeat("a", 63)
	long := label63 + "." + label63 + "." + label63 + "." + strings.Repeat("b", 61) // 253 characters
	valid := []string{
		"alice#a.test",                       // the simplest form
		"a#b.cd",                             // one-character local part
		"r2.d2_x-1#im.example.com",           // every allowed local character
		strings.Repeat("a", 64) + "#x.test",  // local part at its 64-character limit
		"bob#" + label63 + ".test",           // a 63-character label
		"bob#" + long,                        // a 253-character domain (318 in all with a 64-char local)
		strings.Repeat("a", 64) + "#" + long, // the longest address: 318 characters
		"bob#xn--bcher-kva.example",          // an A-label with "--" at positions 3-4
		"bob#a-b.c--d.test",                  // hyphens inside labels
		"bob#ab-c.test",                      // hyphen at position 3 only
		"bob#1.2.test1",                      // numeric labels except the last; last has a letter
		"bob#a.1-2",                          // last label with a hyphen is not all digits
		"0#0.x",                              // digits everywhere but the last label
	}
	invalid := []string{
		"",                                  // empty
		"alice",                             // no separator
		"alice#a#b.test",                    // two separators
		"#a.test",                           // empty local part
		strings.Repeat("a", 65) + "#x.test", // local part over 64
		"al ice#a.test",                     // whitespace
		"al+ice#a.test",                     // "+" is not a local character
		".alice#a.test",                     // local starts with a dot
		"alice_#a.test",                     // local ends with an underscore
		"alice#",                            // empty domain
		"alice#test",                        // single-label domain
		"alice#a..test",                     // empty label
		"alice#a.test.",                     // trailing dot
		"alice#" + strings.Repeat("a", 64) + ".test", // 64-character label
		"alice#-a.test",        // label starts with a hyphen
		"alice#a-.test",        // label ends with a hyphen
		"alice#ab--c.test",     // "--" at positions 3-4 without "xn"
		"alice#a_b.test",       // "_" is not a hostname character
		"alice#10.0.0.1",       // IP literal: numeric last label
		"alice#a.123",          // numeric last label
		"bob#" + long + "b",    // domain of 254 characters
		"Alice#a.test",         // upper case (canonical form is lower case)
		"alice#A.TEST",         // upper-case domain
		"alice@a.test",         // "@" is not the separator
		"al%69ce#a.test",       // percent-encoding is not decoded
		"alicé#a.test",         // non-ASCII local part
		"alice#bücher.example", // U-label instead of A-label
	}
	for _, a := range valid {
		if err := validateAddress(a); err != nil {
			t.Errorf("valid %q: %v", a, err)
		}
	}
	for _, a := range invalid {
		var se *SchemaError
		if err := validateAddress(a); !errors.As(err, &se) || se.Pointer != "/address" {
			t.Errorf("invalid %q: got %v, want a SchemaError at /address", a, err)
		}
	}
}

// validateAddress checks a as the address of a registration result.
func validateAddress(a string) error {
	raw, _ := json.Marshal(map[string]string{"address": a})
	return ValidateJSON("register-response", raw)
}
