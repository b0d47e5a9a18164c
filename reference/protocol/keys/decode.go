package keys

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// checkMembers enforces a closed JSON object: every required member present,
// no member outside required and optional, and no null member (encoding/json
// would silently read null as a zero value). at is the object's pointer.
func checkMembers(raw []byte, at string, required, optional []string) (map[string]json.RawMessage, error) {
	var members map[string]json.RawMessage
	if raw = bytes.TrimLeft(raw, " \t\r\n"); len(raw) == 0 || raw[0] != '{' {
		return nil, wire.Errorf(wire.Malformed, at, "must be a JSON object")
	}
	if err := json.Unmarshal(raw, &members); err != nil {
		return nil, wire.Wrap(wire.Malformed, at, err)
	}
	for _, name := range required {
		if _, ok := members[name]; !ok {
			return nil, wire.Errorf(wire.Malformed, at+"/"+name, "required member is missing")
		}
	}
	for name, v := range members {
		if !slices.Contains(required, name) && !slices.Contains(optional, name) {
			return nil, wire.Errorf(wire.Malformed, at+"/"+name, "unknown member (objects are closed in EMSG/1)")
		}
		if string(v) == "null" {
			return nil, wire.Errorf(wire.Malformed, at+"/"+name, "member must not be null")
		}
	}
	return members, nil
}

// decodeMember decodes one member's value, typing failures: a defect the
// value's own decoder reports (bad base64url, bad address) is kept, any
// other failure (a string where a number belongs) is [wire.Malformed].
func decodeMember(members map[string]json.RawMessage, at, name string, into any) error {
	v, ok := members[name]
	if !ok {
		return nil
	}
	if err := json.Unmarshal(v, into); err != nil {
		if d := wire.DefectOf(err); d != "" {
			return wire.Wrap(d, at+"/"+name, err)
		}
		return wire.Errorf(wire.Malformed, at+"/"+name, "wrong type: %v", err)
	}
	return nil
}
