package spec

import (
	"errors"
	"strings"
	"testing"
)

// TestValidateJSONWireRules checks the rules ValidateJSON enforces before
// any schema: well-formed UTF-8 JSON, one value, unique member names,
// integer literals. Each failure must name its location.
func TestValidateJSONWireRules(t *testing.T) {
	cases := []struct {
		name    string
		raw     string
		pointer string
		msg     string
	}{
		// a member repeated inside a nested object
		{"duplicate nested", `{"status":"ok","x":{"a":1,"a":2}}`, "/x/a", `duplicate member name "a"`},
		// a repeated top-level member, even with the same value
		{"duplicate top", `{"status":"ok","status":"ok"}`, "/status", "duplicate member name"},
		// a fraction inside an array
		{"fraction in array", `{"status":"ok","x":[1,2.5]}`, "/x/1", "fraction or exponent"},
		// an exponent, even one that denotes an integer
		{"exponent", `{"status":"ok","x":1E3}`, "/x", "fraction or exponent"},
		// invalid UTF-8 bytes in a string
		{"bad utf-8", "{\"status\":\"o\xffk\"}", "", "not valid UTF-8"},
		// two top-level values
		{"trailing value", `{"status":"ok"} {}`, "", "data after the top-level value"},
		// a truncated document
		{"truncated", `{"status":`, "/status", "invalid JSON"},
		// empty input
		{"empty", ``, "", "invalid JSON"},
		// a syntax error inside an array
		{"syntax in array", `{"x":[1,}`, "/x/1", "invalid JSON"},
		// a stray closing bracket
		{"stray close", `]`, "", "invalid JSON"},
	}
	for _, c := range cases {
		err := ValidateJSON("health", []byte(c.raw))
		var se *SchemaError
		if !errors.As(err, &se) || se.Schema != "health" || se.Pointer != c.pointer || !strings.Contains(se.Message, c.msg) {
			t.Errorf("%s: got %v, want health.json at %q containing %q", c.name, err, c.pointer, c.msg)
		}
	}
}

// TestValidateJSONAccepts checks documents that follow the wire rules pass
// the decoding step: whitespace, escapes, big and negative integers.
func TestValidateJSONAccepts(t *testing.T) {
	for _, raw := range []string{
		"  {\"status\" : \"ok\"}\n", // insignificant whitespace around and inside
		`{"status":"\u006fk"}`,      // a \u escape that decodes to "ok"
	} {
		if err := ValidateJSON("health", []byte(raw)); err != nil {
			t.Errorf("%s: %v", raw, err)
		}
	}
	// integers at the limits pass decoding and are judged by the schema alone
	if _, err := decodeInstance([]byte(`[-9007199254740991, 9007199254740991, 0]`)); err != nil {
		t.Errorf("integer limits: %v", err)
	}
}

func TestSchemaErrorFormat(t *testing.T) {
	cases := []struct {
		err  SchemaError
		want string
	}{
		// a location inside the instance
		{SchemaError{"envelope", "/keys/bob#b.test", "too short"}, "envelope.json: /keys/bob#b.test: too short"},
		// the whole document
		{SchemaError{"health", "", "missing property 'status'"}, "health.json: (root): missing property 'status'"},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
	if got := jsonPointer([]string{"a/b", "c~d"}); got != "/a~1b/c~0d" {
		t.Errorf("jsonPointer escaping: got %q", got)
	}
}

// TestMemberOwner checks the repair of propertyNames locations.
func TestMemberOwner(t *testing.T) {
	inst := map[string]any{"id": "x", "keys": map[string]any{"Bob": 1}, "list": []any{map[string]any{"Q": 1}}}
	cases := []struct {
		name     string
		reported []string
		member   string
		want     string
	}{
		// the reported location is right
		{"right", []string{"keys"}, "Bob", "/keys"},
		// the reported location was overwritten by a sibling
		{"overwritten", []string{"id"}, "Bob", "/keys"},
		// inside an array
		{"array", []string{"list", "7"}, "Q", "/list/0"},
		// no object has the member: keep the report
		{"missing", []string{"id"}, "Nope", "/id"},
	}
	for _, c := range cases {
		if got := jsonPointer(memberOwner(inst, c.reported, c.member)); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}
