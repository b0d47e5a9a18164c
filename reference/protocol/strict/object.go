package strict

import (
	"encoding/json"
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Shape says what a closed object must look like.
type Shape struct {
	// Type is the required value of the "type" member; "" for objects
	// without one.
	Type string
	// Version is the required value of the "v" member; 0 for objects
	// without one.
	Version int64
	// Members lists every member the object must have, in reading order.
	Members []string
	// Optional lists the members it may have.
	Optional []string
}

// Read checks raw as a whole protocol object of the given shape (steps 1–4
// of the package doc) and returns a [Reader] for its members.
func Read(raw []byte, shape Shape) (*Reader, error) {
	if _, err := canonical.Protocol(raw); err != nil {
		return nil, err
	}
	obj, err := checkObject(raw, "", shape)
	if err != nil {
		return nil, err
	}
	return &Reader{obj: obj, first: &failure{}}, nil
}

// checkObject is steps 2–4 for JSON text already checked by
// canonical.Protocol; where is the object's pointer.
func checkObject(raw []byte, where string, shape Shape) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, wire.Errorf(wire.Malformed, where, "must be a JSON object")
	}
	if err := checkType(obj, where, shape.Type); err != nil {
		return nil, err
	}
	if err := checkVersion(obj, where, shape.Version); err != nil {
		return nil, err
	}
	if err := checkMembers(obj, where, shape); err != nil {
		return nil, err
	}
	return obj, nil
}

func checkType(obj map[string]json.RawMessage, where, typ string) error {
	if typ == "" {
		return nil
	}
	var got string
	if err := json.Unmarshal(obj["type"], &got); err != nil || got != typ {
		return wire.Errorf(wire.Malformed, Pointer(where, "type"), "must be %q, got %.40s", typ, obj["type"])
	}
	return nil
}

func checkVersion(obj map[string]json.RawMessage, where string, want int64) error {
	if want == 0 {
		return nil
	}
	raw, ok := obj["v"]
	if !ok {
		return wire.Errorf(wire.Malformed, Pointer(where, "v"), "missing member")
	}
	var v int64
	if err := json.Unmarshal(raw, &v); err != nil {
		return wire.Errorf(wire.Malformed, Pointer(where, "v"), "must be an integer")
	}
	if v != want {
		return wire.Errorf(wire.UnsupportedVersion, Pointer(where, "v"), "version %d, this implementation speaks %d", v, want)
	}
	return nil
}

// checkMembers rejects unknown members (first in sorted order), then
// missing and null ones (in reading order). Null is refused because
// encoding/json would silently read it as a zero value.
func checkMembers(obj map[string]json.RawMessage, where string, shape Shape) error {
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(shape.Members, name) && !slices.Contains(shape.Optional, name) {
			return wire.Errorf(wire.Malformed, Pointer(where, name), "unknown member (objects are closed in EMSG/1)")
		}
		if string(obj[name]) == "null" {
			return wire.Errorf(wire.Malformed, Pointer(where, name), "must not be null")
		}
	}
	for _, name := range shape.Members {
		if _, ok := obj[name]; !ok {
			return wire.Errorf(wire.Malformed, Pointer(where, name), "missing member")
		}
	}
	return nil
}
