package account

import (
	"encoding/json"
	"errors"
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// This file is the strict JSON reading of account objects. Objects are
// closed. The checks run in a fixed order, so every implementation reports
// the same defect for the same input: JSON text (bad_encoding: syntax,
// duplicate names, non-integer or out-of-range numbers, anywhere in the
// object), object shape (malformed), "type" (malformed), "v" where there is
// one (unsupported_version), the member set (malformed: unknown names
// first, in sorted order, then missing or null ones in contract order),
// then each member in contract order, depth first.

// object is a JSON object split into its members, values as received.
type object map[string]json.RawMessage

// parseSigned checks raw as a whole signed account object of type typ with
// exactly the members names.
func parseSigned(raw []byte, typ string, names []string) (*reader, error) {
	if _, err := canonical.Protocol(raw); err != nil {
		return nil, err
	}
	obj, err := splitObject(raw, "")
	if err != nil {
		return nil, err
	}
	var got string
	if err := json.Unmarshal(obj["type"], &got); err != nil || got != typ {
		return nil, wire.Errorf(wire.Malformed, "type", "must be %q, got %.40s", typ, obj["type"])
	}
	if slices.Contains(names, "v") {
		if err := checkVersion(obj["v"]); err != nil {
			return nil, err
		}
	}
	if err := obj.checkMembers("", names); err != nil {
		return nil, err
	}
	return &reader{obj: obj}, nil
}

// splitObject splits an already checked JSON text that must be an object.
func splitObject(raw []byte, where string) (object, error) {
	var obj object
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, wire.Errorf(wire.Malformed, where, "must be a JSON object")
	}
	return obj, nil
}

// checkVersion requires "v" to be 1, so that a later version is reported as
// unsupported_version rather than as malformed for members v1 lacks.
func checkVersion(raw json.RawMessage) error {
	if raw == nil {
		return wire.Errorf(wire.Malformed, "v", "missing member")
	}
	var v int64
	if err := json.Unmarshal(raw, &v); err != nil {
		return wire.Errorf(wire.Malformed, "v", "must be an integer")
	}
	if v != Version {
		return wire.Errorf(wire.UnsupportedVersion, "v", "version %d, this implementation speaks %d", v, Version)
	}
	return nil
}

// checkMembers rejects unknown members (first in sorted order), then
// missing and null ones (in contract order).
func (o object) checkMembers(where string, names []string) error {
	seen := make([]string, 0, len(o))
	for name := range o {
		seen = append(seen, name)
	}
	slices.Sort(seen)
	for _, name := range seen {
		if !slices.Contains(names, name) {
			return wire.Errorf(wire.Malformed, join(where, name), "unknown member")
		}
	}
	for _, name := range names {
		v, ok := o[name]
		if !ok {
			return wire.Errorf(wire.Malformed, join(where, name), "missing member")
		}
		if string(v) == "null" {
			return wire.Errorf(wire.Malformed, join(where, name), "must not be null")
		}
	}
	return nil
}

// join builds a member's field path: "contacts.0.state".
func join(where, name string) string {
	if where == "" {
		return name
	}
	return where + "." + name
}

// reader reads the members of one checked object; the first failure sticks.
type reader struct {
	obj   object
	where string
	err   error
}

// nested returns a reader for the object member name, whose members must be
// exactly names. Its failures are r's failures.
func (r *reader) nested(raw json.RawMessage, where string, names []string) *reader {
	n := &reader{where: where}
	if r.err != nil {
		n.err = r.err
		return n
	}
	obj, err := splitObject(raw, where)
	if err == nil {
		err = obj.checkMembers(where, names)
	}
	n.obj, n.err = obj, err
	return n
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// failAt records err, if any, as a failure of member name.
func (r *reader) failAt(name string, err error) {
	if err != nil {
		r.fail(at(join(r.where, name), err))
	}
}

// at moves an error from a lower layer (which knows no member names) to
// field, keeping its defect and cause; an error without a defect becomes
// malformed. The lower layer's own field (an address grammar reason, a
// bundle member) leads the message.
func at(field string, err error) error {
	var e *wire.Error
	if !errors.As(err, &e) {
		return wire.Wrap(wire.Malformed, field, err)
	}
	msg := e.Msg
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	return &wire.Error{Defect: e.Defect, Field: field, Msg: msg, Err: err}
}

// string reads a JSON string member.
func (r *reader) string(name string) string {
	var s string
	if r.err != nil {
		return ""
	}
	v := r.obj[name]
	if len(v) == 0 || v[0] != '"' {
		r.fail(wire.Errorf(wire.Malformed, join(r.where, name), "must be a string"))
		return ""
	}
	if err := json.Unmarshal(v, &s); err != nil {
		r.failAt(name, wire.Wrap(wire.BadEncoding, "", err))
	}
	return s
}

// oneOf reads a string member that must be one of allowed.
func (r *reader) oneOf(name string, allowed ...string) string {
	s := r.string(name)
	if r.err == nil && !slices.Contains(allowed, s) {
		r.fail(wire.Errorf(wire.Malformed, join(r.where, name), "%.40q is not one of %q", s, allowed))
	}
	return s
}

// address reads an address member (case-folded, as the grammar allows).
func (r *reader) address(name string) address.Address {
	s := r.string(name)
	if r.err != nil {
		return address.Address{}
	}
	a, err := address.Parse(s)
	r.failAt(name, err)
	return a
}

// domain reads a domain member, which must already be in canonical form.
func (r *reader) domain(name string) string {
	s := r.string(name)
	if r.err != nil {
		return ""
	}
	d, err := address.ParseDomain(s)
	if err == nil && d != s {
		err = wire.Errorf(wire.BadAddress, "", "domain %q is not in canonical form %q", s, d)
	}
	r.failAt(name, err)
	return d
}

// bytes reads a base64url member of exactly n bytes.
func (r *reader) bytes(name string, n int) wire.Bytes {
	s := r.string(name)
	if r.err != nil {
		return nil
	}
	b, err := wire.DecodeBytes(s)
	if err == nil && len(b) != n {
		err = wire.Errorf(wire.Malformed, "", "got %d bytes, want %d", len(b), n)
	}
	r.failAt(name, err)
	return b
}

// int reads an integer member. The JSON text was already checked, so a
// number here is an integer within ±(2^53-1).
func (r *reader) int(name string) int64 {
	var n int64
	if r.err != nil {
		return 0
	}
	if err := json.Unmarshal(r.obj[name], &n); err != nil {
		r.fail(wire.Errorf(wire.Malformed, join(r.where, name), "must be an integer"))
	}
	return n
}

// millis reads a non-negative integer timestamp.
func (r *reader) millis(name string) wire.Millis {
	n := r.int(name)
	if r.err == nil && n < 0 {
		r.fail(wire.Errorf(wire.Malformed, join(r.where, name), "negative timestamp %d", n))
	}
	return wire.Millis(n)
}

// bool reads a true or false member.
func (r *reader) bool(name string) bool {
	var b bool
	if r.err != nil {
		return false
	}
	if err := json.Unmarshal(r.obj[name], &b); err != nil {
		r.fail(wire.Errorf(wire.Malformed, join(r.where, name), "must be true or false"))
	}
	return b
}

// array reads an array member and returns its elements as received.
func (r *reader) array(name string) []json.RawMessage {
	var elems []json.RawMessage
	if r.err != nil {
		return nil
	}
	v := r.obj[name]
	if len(v) == 0 || v[0] != '[' || json.Unmarshal(v, &elems) != nil {
		r.fail(wire.Errorf(wire.Malformed, join(r.where, name), "must be an array"))
		return nil
	}
	return elems
}

// bundle reads a key bundle member with [keys.ParseBundle], which is
// strict and checks the bundle's own signatures.
func (r *reader) bundle(name string) keys.Bundle {
	if r.err != nil {
		return keys.Bundle{}
	}
	b, err := keys.ParseBundle(r.obj[name])
	r.failAt(name, err)
	return b
}
