package strict

import (
	"encoding/json"
	"slices"

	"github.com/oklog/ulid/v2"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Reader reads the members of one checked object. The first failure
// sticks: later reads return zero values, and [Reader.Err] reports it.
// Readers of nested objects share their parent's failure, so a failure
// anywhere inside is the whole object's.
type Reader struct {
	obj   map[string]json.RawMessage
	where string
	first *failure
}

// failure is the first failure of a whole object, shared by its readers.
type failure struct{ err error }

// Err returns the first failure, or nil.
func (r *Reader) Err() error { return r.first.err }

// Fail records err unless a failure is already recorded.
func (r *Reader) Fail(err error) {
	if r.first.err == nil {
		r.first.err = err
	}
}

// FailAt records err, if any, as a failure of member name (see [At]).
func (r *Reader) FailAt(name string, err error) {
	if err != nil {
		r.Fail(At(Pointer(r.where, name), err))
	}
}

// Has reports whether the object has member name.
func (r *Reader) Has(name string) bool {
	_, ok := r.obj[name]
	return ok
}

// Raw returns member name as received, or nil after a failure.
func (r *Reader) Raw(name string) json.RawMessage {
	if r.Err() != nil {
		return nil
	}
	return r.obj[name]
}

// malformed records a wrong-type failure of member name.
func (r *Reader) malformed(name, format string, args ...any) {
	r.Fail(wire.Errorf(wire.Malformed, Pointer(r.where, name), format, args...))
}

// String reads a JSON string member.
func (r *Reader) String(name string) string {
	v := r.Raw(name)
	if r.Err() != nil {
		return ""
	}
	if len(v) == 0 || v[0] != '"' {
		r.malformed(name, "must be a string")
		return ""
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		r.FailAt(name, wire.Wrap(wire.BadEncoding, "", err))
	}
	return s
}

// OneOf reads a string member that must be one of allowed.
func (r *Reader) OneOf(name string, allowed ...string) string {
	s := r.String(name)
	if r.Err() == nil && !slices.Contains(allowed, s) {
		r.malformed(name, "%.40q is not one of %q", s, allowed)
	}
	return s
}

// Address reads an address member, which must be in canonical form.
func (r *Reader) Address(name string) address.Address {
	s := r.String(name)
	if r.Err() != nil {
		return address.Address{}
	}
	a, err := address.ParseCanonical(s)
	r.FailAt(name, err)
	return a
}

// Domain reads a bare domain member, which must be in canonical form.
func (r *Reader) Domain(name string) string {
	s := r.String(name)
	if r.Err() != nil {
		return ""
	}
	d, err := address.ParseCanonicalDomain(s)
	r.FailAt(name, err)
	return d
}

// ULID reads an id member: a ULID in canonical upper-case form.
func (r *Reader) ULID(name string) string {
	s := r.String(name)
	if r.Err() == nil {
		r.FailAt(name, CheckULID(s))
	}
	return s
}

// Bytes reads a base64url member of exactly n bytes.
func (r *Reader) Bytes(name string, n int) wire.Bytes {
	s := r.String(name)
	if r.Err() != nil {
		return nil
	}
	b, err := wire.DecodeBytes(s)
	if err == nil && len(b) != n {
		err = wire.Errorf(wire.Malformed, "", "got %d bytes, want %d", len(b), n)
	}
	r.FailAt(name, err)
	return b
}

// Int reads an integer member. The JSON text was checked by
// canonical.Protocol, so a number here is an integer within ±(2^53-1).
func (r *Reader) Int(name string) int64 {
	v := r.Raw(name)
	if r.Err() != nil {
		return 0
	}
	var n int64
	if err := json.Unmarshal(v, &n); err != nil {
		r.malformed(name, "must be an integer")
	}
	return n
}

// Millis reads a non-negative integer timestamp.
func (r *Reader) Millis(name string) wire.Millis {
	n := r.Int(name)
	if r.Err() == nil && n < 0 {
		r.malformed(name, "negative timestamp %d", n)
	}
	return wire.Millis(n)
}

// Bool reads a true or false member.
func (r *Reader) Bool(name string) bool {
	v := r.Raw(name)
	if r.Err() != nil {
		return false
	}
	var b bool
	if err := json.Unmarshal(v, &b); err != nil {
		r.malformed(name, "must be true or false")
	}
	return b
}

// Array reads an array member and returns its elements as received, each
// with its pointer.
func (r *Reader) Array(name string) []Element {
	v := r.Raw(name)
	if r.Err() != nil {
		return nil
	}
	var elems []json.RawMessage
	if len(v) == 0 || v[0] != '[' || json.Unmarshal(v, &elems) != nil {
		r.malformed(name, "must be an array")
		return nil
	}
	out := make([]Element, len(elems))
	for i, e := range elems {
		out[i] = Element{Raw: e, Where: Index(Pointer(r.where, name), i)}
	}
	return out
}

// Element is one array element as received, with its JSON Pointer.
type Element struct {
	Raw   json.RawMessage
	Where string
}

// Object reads an object member (or array element) of the given shape and
// returns a Reader for it whose failures are r's failures.
func (r *Reader) Object(raw json.RawMessage, where string, shape Shape) *Reader {
	n := &Reader{where: where, first: r.first}
	if r.Err() != nil {
		return n
	}
	obj, err := checkObject(raw, where, shape)
	if err != nil {
		r.Fail(err)
		return n
	}
	n.obj = obj
	return n
}

// Member is [Reader.Object] for the member name of r.
func (r *Reader) Member(name string, shape Shape) *Reader {
	return r.Object(r.Raw(name), Pointer(r.where, name), shape)
}

// Decode reads member name with decode, a lower layer's strict parser
// (a key bundle, a ticket), reporting its failure as the member's.
func (r *Reader) Decode(name string, decode func(raw []byte) error) {
	v := r.Raw(name)
	if r.Err() == nil {
		r.FailAt(name, decode(v))
	}
}

// CheckULID reports whether s is a ULID in canonical form: 26 characters of
// upper-case Crockford base32, at most "7ZZZZZZZZZZZZZZZZZZZZZZZZZ". Any
// other spelling is [wire.Malformed]: ids compare byte for byte.
func CheckULID(s string) error {
	id, err := ulid.ParseStrict(s)
	if err != nil {
		return wire.Errorf(wire.Malformed, "", "not a ULID: %v", err)
	}
	if id.String() != s {
		return wire.Errorf(wire.Malformed, "", "ULID %q not in canonical upper-case form", s)
	}
	return nil
}
