package ticket

import (
	"encoding/json"
	"errors"
	"slices"

	"github.com/oklog/ulid/v2"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// This file is the strict JSON reading of tickets and auth proofs. Objects
// are closed. The checks run in a fixed order, so every implementation
// reports the same defect for the same input: JSON text (bad_encoding:
// syntax, duplicate names, non-integer or out-of-range numbers), object
// shape (malformed), "type" (malformed), the member set (malformed: unknown
// names first, in sorted order, then missing or null ones in contract
// order), then each member in contract order.

// object is a JSON object split into its members, values as received.
type object map[string]json.RawMessage

// parseObject checks raw as one closed JSON object with exactly the members
// names and "type" equal to typ. "type" is read before the member set, so
// an object of another type is reported as such.
func parseObject(raw []byte, typ string, names []string) (object, error) {
	if _, err := canonical.Protocol(raw); err != nil {
		return nil, err
	}
	var obj object
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, wire.Errorf(wire.Malformed, "", "must be a JSON object")
	}
	var got string
	if err := json.Unmarshal(obj["type"], &got); err != nil || got != typ {
		return nil, wire.Errorf(wire.Malformed, "type", "must be %q, got %.40s", typ, obj["type"])
	}
	return obj, obj.checkMembers(names)
}

// checkMembers rejects unknown members (first in sorted order), then
// missing and null ones (in contract order).
func (o object) checkMembers(names []string) error {
	seen := make([]string, 0, len(o))
	for name := range o {
		seen = append(seen, name)
	}
	slices.Sort(seen)
	for _, name := range seen {
		if !slices.Contains(names, name) {
			return wire.Errorf(wire.Malformed, name, "unknown member")
		}
	}
	for _, name := range names {
		v, ok := o[name]
		if !ok {
			return wire.Errorf(wire.Malformed, name, "missing member")
		}
		if string(v) == "null" {
			return wire.Errorf(wire.Malformed, name, "must not be null")
		}
	}
	return nil
}

// reader reads members one by one; the first failure sticks.
type reader struct {
	obj object
	err error
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// string reads a JSON string member.
func (r *reader) string(name string) string {
	var s string
	if r.err != nil {
		return ""
	}
	v := r.obj[name]
	if len(v) == 0 || v[0] != '"' {
		r.fail(wire.Errorf(wire.Malformed, name, "must be a string"))
		return ""
	}
	if err := json.Unmarshal(v, &s); err != nil {
		r.fail(wire.Wrap(wire.BadEncoding, name, err))
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
		err = wire.Errorf(wire.BadAddress, name, "domain %q is not in canonical form %q", s, d)
	}
	r.failAt(name, err)
	return d
}

// id reads a ULID member in canonical upper-case form.
func (r *reader) id(name string) string {
	s := r.string(name)
	if r.err != nil {
		return ""
	}
	r.failAt(name, CheckID(s))
	return s
}

// bytes reads a base64url member of exactly n bytes.
func (r *reader) bytes(name string, n int) wire.Bytes {
	s := r.string(name)
	if r.err != nil {
		return nil
	}
	b, err := wire.DecodeBytes(s)
	if err == nil && len(b) != n {
		err = wire.Errorf(wire.Malformed, name, "got %d bytes, want %d", len(b), n)
	}
	r.failAt(name, err)
	return b
}

// millis reads a non-negative integer timestamp. The JSON text was already
// checked, so a number here is an integer within ±(2^53-1).
func (r *reader) millis(name string) wire.Millis {
	var n int64
	if r.err != nil {
		return 0
	}
	if err := json.Unmarshal(r.obj[name], &n); err != nil {
		r.fail(wire.Errorf(wire.Malformed, name, "must be an integer"))
		return 0
	}
	if n < 0 {
		r.fail(wire.Errorf(wire.Malformed, name, "negative timestamp %d", n))
	}
	return wire.Millis(n)
}

// failAt records err, if any, as a failure of member name, keeping its
// defect and cause.
func (r *reader) failAt(name string, err error) {
	if err == nil {
		return
	}
	var e *wire.Error
	if !errors.As(err, &e) {
		r.fail(wire.Wrap(wire.Malformed, name, err))
		return
	}
	msg := e.Msg
	if e.Field != "" {
		msg = e.Field + ": " + msg // a lower layer's field: an address reason, a bundle member
	}
	r.fail(&wire.Error{Defect: e.Defect, Field: name, Msg: msg, Err: err})
}

// CheckID reports whether s is a ULID in canonical form: 26 characters of
// upper-case Crockford base32, at most "7ZZZZZZZZZZZZZZZZZZZZZZZZZ". Any
// other spelling is [wire.Malformed]: ids compare byte for byte.
func CheckID(s string) error {
	id, err := ulid.ParseStrict(s)
	if err != nil {
		return wire.Errorf(wire.Malformed, "", "not a ULID: %v", err)
	}
	if id.String() != s {
		return wire.Errorf(wire.Malformed, "", "ULID %q not in canonical upper-case form", s)
	}
	return nil
}
