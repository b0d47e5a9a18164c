package spec

import (
	"slices"
	"strings"
	"testing"
)

// wireDefects are the defects of reference/protocol/wire (contract.md,
// "Package layout"); errors.yaml must say how each is reported.
var wireDefects = []string{"bad_address", "bad_encoding", "malformed", "bad_key", "bad_signature", "bad_chain",
	"decrypt_failed", "not_a_recipient", "routing_mismatch", "expired", "clock_skew", "wrong_destination",
	"unknown_key", "too_large", "unsupported_version"}

func TestErrorCodesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range ErrorCodes() {
		if seen[c.Code] {
			t.Errorf("code %q listed twice", c.Code)
		}
		seen[c.Code] = true
		if c.Status < 400 || c.Status > 599 || c.Meaning == "" {
			t.Errorf("code %q: status %d, meaning %q", c.Code, c.Status, c.Meaning)
		}
		if got, ok := StatusOf(c.Code); !ok || got != c.Status {
			t.Errorf("StatusOf(%q) = %d, %v; want %d", c.Code, got, ok, c.Status)
		}
	}
	if len(seen) < 16 {
		t.Errorf("only %d codes", len(seen))
	}
}

func TestStatusOf(t *testing.T) {
	cases := []struct {
		code   string
		status int
		ok     bool
	}{
		{"bad_request", 400, true},   // happy path: the generic client error
		{"not_a_contact", 403, true}, // a refusal of the recipient
		{"moved", 410, true},         // shares 410 with gone
		{"rate_limited", 429, true},  // carries retry_after
		{"unavailable", 503, true},   // the last code
		{"teapot", 0, false},         // sad path: not a code
		{"", 0, false},               // sad path: empty
		{"BAD_REQUEST", 0, false},    // sad path: codes are case-sensitive
	}
	for _, c := range cases {
		if got, ok := StatusOf(c.code); got != c.status || ok != c.ok {
			t.Errorf("StatusOf(%q) = %d, %v; want %d, %v", c.code, got, ok, c.status, c.ok)
		}
	}
}

// TestErrorCodeEnum checks that defs.json's error_code enumeration is
// exactly the list in errors.yaml, in the same order.
func TestErrorCodeEnum(t *testing.T) {
	defs := schemaDoc(t, "defs")["$defs"].(map[string]any)
	var enum []string
	for _, v := range defs["error_code"].(map[string]any)["enum"].([]any) {
		enum = append(enum, v.(string))
	}
	var codes []string
	for _, c := range ErrorCodes() {
		codes = append(codes, c.Code)
	}
	if !slices.Equal(enum, codes) {
		t.Errorf("defs.json error_code enum = %v\nerrors.yaml codes = %v", enum, codes)
	}
}

func TestCodeForDefect(t *testing.T) {
	cases := []struct {
		defect string
		code   string
		ok     bool
	}{
		{"bad_address", "bad_address", true},     // the same word on the wire
		{"malformed", "bad_request", true},       // decoding failures are bad requests
		{"bad_chain", "bad_signature", true},     // a broken rotation chain is a signature failure
		{"expired", "unauthorized", true},        // expired tickets and tokens
		{"wrong_destination", "forbidden", true}, // a request for another server
		{"decrypt_failed", "", false},            // client-only: no wire code
		{"routing_mismatch", "", false},          // client-only: no wire code
		{"no_such_defect", "", false},            // sad path: unknown defect
	}
	for _, c := range cases {
		if code, ok := CodeForDefect(c.defect); code != c.code || ok != c.ok {
			t.Errorf("CodeForDefect(%q) = %q, %v; want %q, %v", c.defect, code, ok, c.code, c.ok)
		}
	}
}

// TestDefectsMapping checks the defects section: it names exactly the wire
// defects and maps each to a known code or to nothing.
func TestDefectsMapping(t *testing.T) {
	if got := DefectNames(); !sameSet(got, wireDefects) {
		t.Errorf("DefectNames() = %v, want %v", got, wireDefects)
	}
	for _, d := range DefectNames() {
		if code, ok := CodeForDefect(d); ok {
			if _, known := StatusOf(code); !known {
				t.Errorf("defect %q maps to unknown code %q", d, code)
			}
		}
	}
}

func TestParseErrorsRejects(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		want string
	}{
		// the same code twice
		{"repeated code", "codes:\n  - {code: a, status: 400, meaning: x}\n  - {code: a, status: 401, meaning: y}\n", "repeated"},
		// a status that is not an error status
		{"status 200", "codes:\n  - {code: a, status: 200, meaning: x}\n", "status 200"},
		// a defect mapped to a code not in the list
		{"unknown code", "codes:\n  - {code: a, status: 400, meaning: x}\ndefects:\n  d: b\n", "unknown code"},
		// an unknown key (strict decoding)
		{"unknown key", "codes:\n  - {code: a, status: 400, meaning: x, colour: red}\n", "colour"},
		// not YAML at all
		{"bad yaml", "codes: [", "parse errors.yaml"},
	}
	for _, c := range cases {
		if _, err := parseErrors([]byte(c.yaml)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
	// happy path: the embedded file parses
	if _, err := parseErrors(ErrorsYAML); err != nil {
		t.Errorf("embedded errors.yaml: %v", err)
	}
}
