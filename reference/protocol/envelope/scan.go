package envelope

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// object is a JSON object split into its members, values kept as received.
type object map[string]json.RawMessage

// splitObject parses data as exactly one JSON object. Invalid JSON or
// trailing data is [wire.BadEncoding], and so is a duplicate member name
// (as canonical JSON has it); another JSON type is [wire.Malformed]. where
// names the object in errors.
// Invalid UTF-8 anywhere is [wire.BadEncoding] too (RFC 8785 needs I-JSON).
//
// The syntax check is json.Valid; the split itself is a small scanner over
// input known to be valid, several times faster than json.Decoder's token
// stream on the servers' hot path.
func splitObject(data []byte, where string) (object, error) {
	if !utf8.Valid(data) {
		return nil, wire.Errorf(wire.BadEncoding, where, "not valid UTF-8")
	}
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v) // valid JSON never gets here; this is for the message
		return nil, wire.Wrap(wire.BadEncoding, where, err)
	}
	return splitValid(data, where)
}

// splitValid is [splitObject] for data already checked: a member value of
// an object splitObject accepted.
func splitValid(data []byte, where string) (object, error) {
	s := scanner{b: data}
	s.space()
	if s.b[s.i] != '{' {
		return nil, wire.Errorf(wire.Malformed, where, "must be a JSON object")
	}
	s.i++
	obj := make(object, 8)
	for s.space(); s.b[s.i] != '}'; s.space() {
		name, value, err := s.member()
		if err != nil {
			return nil, wire.Wrap(wire.BadEncoding, where, err)
		}
		if _, dup := obj[name]; dup {
			return nil, wire.Errorf(wire.BadEncoding, join(where, name), "duplicate member")
		}
		obj[name] = value
		if s.space(); s.b[s.i] == ',' {
			s.i++
		}
	}
	return obj, nil
}

// scanner walks a JSON text that json.Valid accepted, so it never meets a
// syntax error and never runs past the end.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// member reads `"name": value` at the cursor.
func (s *scanner) member() (string, json.RawMessage, error) {
	start := s.i
	s.skipString()
	name, err := unquote(s.b[start:s.i])
	if err != nil {
		return "", nil, err
	}
	s.space()
	s.i++ // the ':'
	s.space()
	start = s.i
	s.skipValue()
	return name, json.RawMessage(s.b[start:s.i]), nil
}

// skipString moves past the string starting at the cursor.
func (s *scanner) skipString() {
	for s.i++; s.b[s.i] != '"'; s.i++ {
		if s.b[s.i] == '\\' {
			s.i++
		}
	}
	s.i++
}

// skipValue moves past the value starting at the cursor.
func (s *scanner) skipValue() {
	switch s.b[s.i] {
	case '"':
		s.skipString()
	case '{', '[':
		for depth := 0; ; {
			switch s.b[s.i] {
			case '"':
				s.skipString()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			s.i++
			if depth == 0 {
				return
			}
		}
	default: // number, true, false, null
		for s.i < len(s.b) && !strings.ContainsRune(",}] \t\n\r", rune(s.b[s.i])) {
			s.i++
		}
	}
}

// unquote decodes a JSON string literal; literals without escapes, the
// usual case, are sliced rather than decoded.
func unquote(lit []byte) (string, error) {
	if bytes.IndexByte(lit, '\\') < 0 {
		return string(lit[1 : len(lit)-1]), nil
	}
	var s string
	err := json.Unmarshal(lit, &s)
	return s, err
}
