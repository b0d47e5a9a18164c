package envelope

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/oklog/ulid/v2"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/strict"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// This file is the strict JSON reading shared by envelopes, inner messages
// and bodies. EMSG/1 objects are closed: a decoder sees every member as
// received, rejects duplicates, unknown and missing members, and reads
// numbers as exact integers. Checks run in a fixed order so that every
// implementation reports the same defect for the same input: JSON syntax
// (bad_encoding), object shape (malformed), "v" (unsupported_version),
// the member set (malformed), then each member in document order of the
// contract.

// checkVersion reads "v" before anything else, so that an object of a
// later version is reported as [wire.UnsupportedVersion] rather than as
// malformed for the members this version does not know.
func (o object) checkVersion(where string) error {
	raw, ok := o["v"]
	if !ok {
		return wire.Errorf(wire.Malformed, join(where, "v"), "missing member")
	}
	v, err := parseInt(raw, join(where, "v"))
	if err != nil {
		return err
	}
	if v != Version {
		return wire.Errorf(wire.UnsupportedVersion, join(where, "v"), "version %d, this implementation speaks %d", v, Version)
	}
	return nil
}

// checkMembers rejects members outside required+optional and missing
// required members, naming the first in sorted order.
func (o object) checkMembers(where string, required, optional []string) error {
	names := make([]string, 0, len(o))
	for name := range o {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(required, name) && !slices.Contains(optional, name) {
			return wire.Errorf(wire.Malformed, join(where, name), "unknown member")
		}
	}
	for _, name := range required {
		if _, ok := o[name]; !ok {
			return wire.Errorf(wire.Malformed, join(where, name), "missing member")
		}
	}
	return nil
}

// parseInt reads a JSON number that must be an integer within ±(2^53-1).
// A fraction or exponent is [wire.Malformed] (EMSG/1 has no floats); an
// integer out of range is [wire.BadEncoding].
func parseInt(raw json.RawMessage, field string) (int64, error) {
	s := string(raw)
	if s == "" || !(s[0] == '-' || '0' <= s[0] && s[0] <= '9') {
		return 0, wire.Errorf(wire.Malformed, field, "must be an integer")
	}
	if strings.ContainsAny(s, ".eE") {
		return 0, wire.Errorf(wire.Malformed, field, "must be an integer, got %s", s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > maxInt || n < -maxInt {
		return 0, wire.Errorf(wire.BadEncoding, field, "integer out of range ±(2^53-1)")
	}
	return n, nil
}

// parseString reads a JSON string.
func parseString(raw json.RawMessage, field string) (string, error) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", wire.Errorf(wire.Malformed, field, "must be a string")
	}
	s, err := unquote(raw)
	if err != nil {
		return "", wire.Wrap(wire.BadEncoding, field, err)
	}
	return s, nil
}

// parseAddress reads a JSON string holding an address.
func parseAddress(raw json.RawMessage, field string) (address.Address, error) {
	s, err := parseString(raw, field)
	if err != nil {
		return address.Address{}, err
	}
	return parseAddressString(s, field)
}

// parseAddressString parses an address, which an object carries in
// canonical form (bad_address, reason not_canonical, otherwise), keeping
// the grammar reason and naming the member in Field.
func parseAddressString(s, field string) (address.Address, error) {
	a, err := address.ParseCanonical(s)
	if err != nil {
		return address.Address{}, at(field, err)
	}
	return a, nil
}

// parseBytes reads a JSON string holding unpadded base64url.
func parseBytes(raw json.RawMessage, field string) ([]byte, error) {
	s, err := parseString(raw, field)
	if err != nil {
		return nil, err
	}
	b, err := wire.DecodeBytes(s)
	if err != nil {
		return nil, at(field, err)
	}
	return b, nil
}

// parseID reads a JSON string holding a ULID.
func parseID(raw json.RawMessage, field string) (string, error) {
	s, err := parseString(raw, field)
	if err != nil {
		return "", err
	}
	return s, CheckID(s, field)
}

// CheckID reports whether s is a ULID in its canonical form: 26 characters
// of Crockford base32, upper case, at most "7ZZZZZZZZZZZZZZZZZZZZZZZZZ".
// Lower-case or otherwise aliased spellings are rejected with
// [wire.Malformed] rather than normalised, because (from, id) is the
// idempotency key and must compare byte for byte.
func CheckID(s, field string) error {
	id, err := ulid.ParseStrict(s)
	if err != nil {
		return wire.Errorf(wire.Malformed, field, "not a ULID: %v", err)
	}
	if id.String() != s {
		return wire.Errorf(wire.Malformed, field, "ULID not in canonical upper-case form")
	}
	return nil
}

// join builds the Field path of a member, a JSON Pointer:
// "/keys/bob#b.test", "/inner/from".
func join(where, name string) string { return strict.Pointer(where, name) }

// at moves a wire error from a lower-level parser (which knows no member
// names) to the member field, keeping the defect and the cause. An address
// error's grammar reason, its original Field, leads the message.
func at(field string, err error) error { return strict.At(field, err) }

// members reads the members of a checked object one by one. The first
// failure sticks: later reads return zero values, and err reports it.
type members struct {
	obj   object
	where string
	err   error
}

// read runs parse on member name unless an earlier read failed.
func read[T any](m *members, name string, parse func(json.RawMessage, string) (T, error)) T {
	var zero T
	if m.err != nil {
		return zero
	}
	v, err := parse(m.obj[name], join(m.where, name))
	if err != nil {
		m.err = err
		return zero
	}
	return v
}

// millis reads a timestamp: an integer number of milliseconds, not negative.
func (m *members) millis(name string) wire.Millis {
	n := read(m, name, parseInt)
	if m.err == nil && n < 0 {
		m.err = wire.Errorf(wire.Malformed, join(m.where, name), "negative timestamp %d", n)
	}
	return wire.Millis(n)
}
