package spec

import (
	"encoding/json"
	"math/big"
	"regexp"
	"strconv"
	"sync"
	"unicode/utf8"
)

// This file applies a compiled [fschema] to a parsed [jdoc]. Each keyword
// is checked as JSON Schema 2020-12 defines it and as the generic engine
// implements it: lengths count code points, patterns are Go regexps
// searched anywhere in the string, numbers compare exactly, const and enum
// compare JSON values (numbers by value, objects regardless of order).

// fastVerdict checks raw against the compiled schema s: valid, or sure ==
// false when the fast parser does not take raw (the generic engine
// decides then). With sure == true, valid is the schema's verdict.
func fastVerdict(s *fschema, raw []byte) (valid, sure bool) {
	d, ok := parseFast(raw)
	if !ok {
		return false, false
	}
	valid = s.valid(d, 0)
	releaseDoc(d)
	return valid, true
}

// kindBits are the type bits a node of kind k satisfies.
var kindBits = [...]uint8{
	jNull: tNull, jFalse: tBoolean, jTrue: tBoolean, jNumber: tInteger | tNumber,
	jString: tString, jArray: tArray, jObject: tObject,
}

// valid reports whether node i of d satisfies s.
func (s *fschema) valid(d *jdoc, i int32) bool {
	if s.boolean != nil {
		return *s.boolean
	}
	n := d.nodes[i]
	if s.types != 0 && s.types&kindBits[n.kind] == 0 {
		return false
	}
	if s.hasConst && !s.matchesConst(d, i) {
		return false
	}
	switch n.kind {
	case jString:
		if !s.validString(n.raw) {
			return false
		}
	case jNumber:
		if !s.validNumber(n.raw) {
			return false
		}
	case jObject:
		if !s.validObject(d, i) {
			return false
		}
	case jArray:
		if !s.validArray(d, i) {
			return false
		}
	}
	return s.validApplicators(d, i)
}

// validApplicators checks $ref, allOf, anyOf, not and if/then/else.
func (s *fschema) validApplicators(d *jdoc, i int32) bool {
	if s.ref != nil && !s.ref.valid(d, i) {
		return false
	}
	for _, sub := range s.allOf {
		if !sub.valid(d, i) {
			return false
		}
	}
	if s.anyOf != nil && !anyValid(s.anyOf, d, i) {
		return false
	}
	if s.not != nil && s.not.valid(d, i) {
		return false
	}
	if s.ifS != nil {
		if s.ifS.valid(d, i) {
			return s.thenS == nil || s.thenS.valid(d, i)
		}
		return s.elseS == nil || s.elseS.valid(d, i)
	}
	return true
}

// anyValid reports whether node i satisfies one of list.
func anyValid(list []*fschema, d *jdoc, i int32) bool {
	for _, sub := range list {
		if sub.valid(d, i) {
			return true
		}
	}
	return false
}

// matchesConst reports whether node i equals the const or one of the enum.
func (s *fschema) matchesConst(d *jdoc, i int32) bool {
	for _, v := range s.consts {
		if equalValue(d, i, v) {
			return true
		}
	}
	return false
}

// validString checks minLength, maxLength (in code points) and patterns.
func (s *fschema) validString(raw []byte) bool {
	if s.minLen >= 0 || s.maxLen >= 0 {
		n := utf8.RuneCount(raw)
		if (s.minLen >= 0 && n < s.minLen) || (s.maxLen >= 0 && n > s.maxLen) {
			return false
		}
	}
	for _, re := range s.patterns {
		if !re.matchBytes(raw) {
			return false
		}
	}
	return true
}

// validNumber checks minimum and maximum, exactly.
func (s *fschema) validNumber(raw []byte) bool {
	if s.minimum == nil && s.maximum == nil {
		return true
	}
	if s.intBounds {
		if v, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
			return (s.minimum == nil || v >= s.minInt) && (s.maximum == nil || v <= s.maxInt)
		}
	}
	v, ok := new(big.Rat).SetString(string(raw))
	if !ok {
		return false
	}
	return (s.minimum == nil || v.Cmp(s.minimum) >= 0) && (s.maximum == nil || v.Cmp(s.maximum) <= 0)
}

// validObject checks the object keywords.
func (s *fschema) validObject(d *jdoc, i int32) bool {
	if s.minProps >= 0 && int(d.nodes[i].count) < s.minProps {
		return false
	}
	for _, name := range s.required {
		if d.member(i, name) < 0 {
			return false
		}
	}
	for c := d.nodes[i].first; c >= 0; c = d.nodes[c].next {
		key := d.nodes[c].key
		if sub, ok := s.props[string(key)]; ok {
			if !sub.valid(d, c) {
				return false
			}
		} else if s.addl != nil && !s.addl.valid(d, c) {
			return false
		}
		if s.propNames != nil && !s.propNames.valid(d, d.add(jnode{kind: jString, raw: key, first: -1, next: -1})) {
			return false
		}
	}
	for name, sub := range s.dependents {
		if d.member(i, name) >= 0 && !sub.valid(d, i) {
			return false
		}
	}
	return true
}

// validArray checks the array keywords.
func (s *fschema) validArray(d *jdoc, i int32) bool {
	n := int(d.nodes[i].count)
	if (s.minItems >= 0 && n < s.minItems) || (s.maxItems >= 0 && n > s.maxItems) {
		return false
	}
	found := false
	for c := d.nodes[i].first; c >= 0; c = d.nodes[c].next {
		if s.items != nil && !s.items.valid(d, c) {
			return false
		}
		if s.contains != nil && !found {
			found = s.contains.valid(d, c)
		}
		if s.unique {
			for o := d.nodes[c].next; o >= 0; o = d.nodes[o].next {
				if equalNodes(d, c, o) {
					return false
				}
			}
		}
	}
	return s.contains == nil || found
}

// equalValue reports whether node i equals v, a value of a schema
// document (as jsonschema.UnmarshalJSON decodes them).
func equalValue(d *jdoc, i int32, v any) bool {
	n := d.nodes[i]
	switch v := v.(type) {
	case nil:
		return n.kind == jNull
	case bool:
		return n.kind == jTrue && v || n.kind == jFalse && !v
	case string:
		return n.kind == jString && string(n.raw) == v
	case json.Number:
		return n.kind == jNumber && equalNumbers(n.raw, string(v))
	case []any:
		if n.kind != jArray || int(n.count) != len(v) {
			return false
		}
		k := 0
		for c := n.first; c >= 0; c = d.nodes[c].next {
			if !equalValue(d, c, v[k]) {
				return false
			}
			k++
		}
		return true
	case map[string]any:
		if n.kind != jObject || int(n.count) != len(v) {
			return false
		}
		for c := n.first; c >= 0; c = d.nodes[c].next {
			want, ok := v[string(d.nodes[c].key)]
			if !ok || !equalValue(d, c, want) {
				return false
			}
		}
		return true
	}
	return false
}

// equalNodes reports whether nodes a and b hold equal JSON values.
func equalNodes(d *jdoc, a, b int32) bool {
	na, nb := d.nodes[a], d.nodes[b]
	if na.kind != nb.kind || na.count != nb.count {
		return false
	}
	switch na.kind {
	case jString:
		return string(na.raw) == string(nb.raw)
	case jNumber:
		return equalNumbers(na.raw, string(nb.raw))
	case jArray:
		for x, y := na.first, nb.first; x >= 0; x, y = d.nodes[x].next, d.nodes[y].next {
			if !equalNodes(d, x, y) {
				return false
			}
		}
	case jObject:
		for x := na.first; x >= 0; x = d.nodes[x].next {
			y := d.member(b, string(d.nodes[x].key))
			if y < 0 || !equalNodes(d, x, y) {
				return false
			}
		}
	}
	return true
}

// equalNumbers compares two number literals by value.
func equalNumbers(a []byte, b string) bool {
	if string(a) == b {
		return true
	}
	x, okx := new(big.Rat).SetString(string(a))
	y, oky := new(big.Rat).SetString(b)
	return okx && oky && x.Cmp(y) == 0
}

// fastRegexp is a compiled pattern of the fast validator that remembers
// its answer for short texts, like [memoRegexp], keyed without copying
// the text it is asked about.
// The simplest patterns are matched without the engine ([classSeq],
// [matchB64]).
type fastRegexp struct {
	re   *regexp.Regexp
	seq  *classSeq // the pattern as a sequence of classes, when it is one
	b64  bool      // the pattern is [b64Pattern]
	mu   sync.RWMutex
	memo map[string]bool
}

// matchBytes reports whether b contains a match of the pattern.
func (m *fastRegexp) matchBytes(b []byte) bool {
	switch {
	case m.seq != nil:
		return m.seq.match(b)
	case m.b64:
		return matchB64(b)
	}
	if len(b) > memoMaxText {
		return m.re.Match(b)
	}
	m.mu.RLock()
	v, ok := m.memo[string(b)]
	m.mu.RUnlock()
	if ok {
		return v
	}
	v = m.re.Match(b)
	m.mu.Lock()
	if len(m.memo) < memoMaxEntries {
		m.memo[string(b)] = v
	}
	m.mu.Unlock()
	return v
}

// newFastRegexp compiles pattern as the generic engine does (Go's regexp).
func newFastRegexp(pattern string) (*fastRegexp, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	m := &fastRegexp{re: re, memo: map[string]bool{}, b64: pattern == b64Pattern}
	m.seq, _ = compileClassSeq(pattern)
	return m, nil
}
