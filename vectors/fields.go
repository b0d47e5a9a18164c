package vectors

import (
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Groups and tests are flat JSON objects (as in Wycheproof): the members a
// [Group] or [Test] knows by name sit next to the parameters, inputs and
// outputs specific to the group's type. The (un)marshalers below split the
// object into the two.

var (
	groupKnown = []string{"type", "comment", "tests"}
	testKnown  = []string{"tcId", "comment", "flags", "result", "defect", "detail"}
)

// MarshalJSON writes the group as one flat object with sorted members.
func (g *Group) MarshalJSON() ([]byte, error) {
	type plain Group
	return flatten((*plain)(g), g.Params)
}

// UnmarshalJSON reads a flat group object.
func (g *Group) UnmarshalJSON(data []byte) error {
	type plain Group
	rest, err := unflatten(data, (*plain)(g), groupKnown)
	g.Params = rest
	return err
}

// MarshalJSON writes the test as one flat object with sorted members.
func (t *Test) MarshalJSON() ([]byte, error) {
	type plain Test
	return flatten((*plain)(t), t.Fields)
}

// UnmarshalJSON reads a flat test object.
func (t *Test) UnmarshalJSON(data []byte) error {
	type plain Test
	rest, err := unflatten(data, (*plain)(t), testKnown)
	t.Fields = rest
	return err
}

// flatten merges the JSON members of known with extra; encoding/json sorts
// the members of a map.
func flatten(known any, extra map[string]json.RawMessage) ([]byte, error) {
	data, err := json.Marshal(known)
	if err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	for k, v := range extra {
		if _, clash := all[k]; clash {
			return nil, fmt.Errorf("field %q clashes with a built-in member", k)
		}
		all[k] = v
	}
	return json.Marshal(all)
}

// unflatten decodes the known members into known and returns the others.
func unflatten(data []byte, known any, names []string) (map[string]json.RawMessage, error) {
	if err := json.Unmarshal(data, known); err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	for _, n := range names {
		delete(all, n)
	}
	return all, nil
}

// Decode decodes the whole test (built-in members and fields) into v, a
// pointer to a struct with the fields of the group's type.
func (t *Test) Decode(v any) error {
	data, err := t.MarshalJSON()
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// Decode decodes the group's parameters into v.
func (g *Group) Decode(v any) error {
	data, err := json.Marshal(g.Params)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// Has reports whether the test has the field name.
func (t *Test) Has(name string) bool { _, ok := t.Fields[name]; return ok }

// String returns the string field name.
func (t *Test) String(name string) (string, error) { return str(t.Fields, "test", name) }

// Bytes returns the base64url field name, decoded.
func (t *Test) Bytes(name string) ([]byte, error) { return bin(t.Fields, "test", name) }

// Int returns the integer field name.
func (t *Test) Int(name string) (int64, error) { return num(t.Fields, "test", name) }

// Has reports whether the group has the parameter name.
func (g *Group) Has(name string) bool { _, ok := g.Params[name]; return ok }

// String returns the string parameter name.
func (g *Group) String(name string) (string, error) { return str(g.Params, "group", name) }

// Bytes returns the base64url parameter name, decoded.
func (g *Group) Bytes(name string) ([]byte, error) { return bin(g.Params, "group", name) }

// Int returns the integer parameter name.
func (g *Group) Int(name string) (int64, error) { return num(g.Params, "group", name) }

func str(m map[string]json.RawMessage, where, name string) (string, error) {
	raw, ok := m[name]
	if !ok {
		return "", fmt.Errorf("%s has no field %q", where, name)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s field %q: %w", where, name, err)
	}
	return s, nil
}

func bin(m map[string]json.RawMessage, where, name string) ([]byte, error) {
	s, err := str(m, where, name)
	if err != nil {
		return nil, err
	}
	b, err := wire.DecodeBytes(s)
	if err != nil {
		return nil, fmt.Errorf("%s field %q: %w", where, name, err)
	}
	return b, nil
}

func num(m map[string]json.RawMessage, where, name string) (int64, error) {
	raw, ok := m[name]
	if !ok {
		return 0, fmt.Errorf("%s has no field %q", where, name)
	}
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, fmt.Errorf("%s field %q: %w", where, name, err)
	}
	return n, nil
}
