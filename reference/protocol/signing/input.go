package signing

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// sigMember is the name of the top-level signature member.
const sigMember = "sig"

// Input returns the signing input of the JSON object obj: its canonical
// form without the top-level "sig" member.
func Input(obj []byte) ([]byte, error) {
	return InputWithout(obj)
}

// InputWithout returns the signing input of obj for the signature at path:
// the canonical form of obj without its top-level "sig" member and without
// the member at path (for example "prev", "sig"). A member that is absent
// is simply not there to remove.
func InputWithout(obj []byte, path ...string) ([]byte, error) {
	c, err := canonicalObject(obj)
	if err != nil {
		return nil, fmt.Errorf("signing input: %w", err)
	}
	out, err := strip(c, []string{sigMember}, path)
	if err != nil {
		return nil, fmt.Errorf("signing input: %w", err)
	}
	return out, nil
}

// canonicalObject returns the canonical form of obj, which must be an object.
func canonicalObject(obj []byte) ([]byte, error) {
	c, err := canonical.Protocol(obj)
	if err != nil {
		return nil, err
	}
	if c[0] != '{' {
		return nil, wire.Errorf(wire.Malformed, "", "a signed value must be a JSON object")
	}
	return c, nil
}

// strip removes the members at the given paths from the canonical object c
// and returns the canonical result.
func strip(c []byte, paths ...[]string) ([]byte, error) {
	changed := false
	for _, path := range paths {
		if len(path) == 0 {
			continue
		}
		out, removed, err := remove(c, path, "")
		if err != nil {
			return nil, err
		}
		c, changed = out, changed || removed
	}
	if !changed {
		return c, nil
	}
	return canonical.Protocol(c)
}

// remove deletes the member at path from the JSON object obj. It reports
// whether anything was removed; at is the pointer of obj, for messages.
func remove(obj []byte, path []string, at string) ([]byte, bool, error) {
	members, err := members(obj, at)
	if err != nil {
		return nil, false, err
	}
	child, ok := members[path[0]]
	if !ok {
		return obj, false, nil
	}
	if len(path) == 1 {
		delete(members, path[0])
	} else {
		out, removed, err := remove(child, path[1:], at+"/"+path[0])
		if err != nil || !removed {
			return obj, false, err
		}
		members[path[0]] = out
	}
	out, err := json.Marshal(members)
	return out, err == nil, err
}

// lookup returns the raw value of the member at path in the canonical
// object c, or a [wire.Malformed] error when it is absent.
func lookup(c []byte, path []string) (json.RawMessage, error) {
	at := ""
	for _, name := range path {
		m, err := members(c, at)
		if err != nil {
			return nil, err
		}
		at += "/" + name
		v, ok := m[name]
		if !ok {
			return nil, wire.Errorf(wire.Malformed, at, "member is missing")
		}
		c = v
	}
	return c, nil
}

// members splits a canonical JSON object into its members.
func members(obj []byte, at string) (map[string]json.RawMessage, error) {
	if len(obj) == 0 || obj[0] != '{' {
		return nil, wire.Errorf(wire.Malformed, at, "must be a JSON object")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		return nil, wire.Wrap(wire.Malformed, at, err)
	}
	return m, nil
}

// pointer renders a member path as a JSON pointer, for error fields.
func pointer(path []string) string { return "/" + strings.Join(path, "/") }
