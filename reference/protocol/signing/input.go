package signing

import (
	"bytes"
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
// is simply not there to remove; a path through a member that is not an
// object is a [wire.Malformed] error.
func InputWithout(obj []byte, path ...string) ([]byte, error) {
	input, at, err := split(obj, path)
	if err == nil && at != nil && path[0] != sigMember && at.Blocked {
		err = notObject(path[:at.Reached])
	}
	if err != nil {
		return nil, fmt.Errorf("signing input: %w", err)
	}
	return input, nil
}

// sigPath is the path of the top-level signature (read only).
var sigPath = []string{sigMember}

// split canonicalises obj once, leaving out the top-level "sig" and the
// member at path. It returns the signing input and the [canonical.Cut] of
// path, which holds the value found there (nil when path is empty).
func split(obj []byte, path []string) ([]byte, *canonical.Cut, error) {
	cs := new(struct {
		top, at canonical.Cut
		list    [2]*canonical.Cut
	})
	cs.top.Path, cs.list[0] = sigPath, &cs.top
	cuts, at := cs.list[:1], &cs.top
	switch {
	case len(path) == 0:
		at = nil
	case len(path) > 1 || path[0] != sigMember:
		cs.at.Path, cs.list[1] = path, &cs.at
		cuts, at = cs.list[:2], &cs.at
	}
	input, err := canonical.ProtocolWithout(obj, cuts...)
	if err != nil {
		return nil, nil, err
	}
	return input, at, nil
}

// follow returns the canonical value at the end of a cut's path, or a
// [wire.Malformed] error naming where the path stopped.
func follow(at *canonical.Cut) ([]byte, error) {
	switch {
	case at.Reached == len(at.Path):
		return at.Value, nil
	case at.Blocked:
		return nil, notObject(at.Path[:at.Reached])
	default:
		return nil, wire.Errorf(wire.Malformed, pointer(at.Path[:at.Reached+1]), "member is missing")
	}
}

// notObject reports that the member at path is not the object the path
// needs to go through.
func notObject(path []string) error {
	return wire.Errorf(wire.Malformed, pointer(path), "must be a JSON object")
}

// stringValue returns the content of a canonical JSON string.
func stringValue(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return string(v[1 : len(v)-1]), true
	}
	var s string
	return s, json.Unmarshal(v, &s) == nil
}

// pointer renders a member path as a JSON pointer, for error fields.
func pointer(path []string) string { return "/" + strings.Join(path, "/") }
