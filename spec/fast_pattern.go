package spec

import (
	"regexp/syntax"
)

// This file matches the simplest patterns without the regexp engine: the
// fixed-length encodings of defs.json (a ULID, a 32-byte key, a wrapped
// key, …) are one character class after another, and base64url of any
// length is a class with a rule for the last group. Every other pattern
// goes to Go's regexp. fast_pattern_test.go holds each matcher to the
// regexp of its pattern.

// byteSet is a set of ASCII bytes.
type byteSet [2]uint64

func (s *byteSet) add(lo, hi rune) {
	for r := lo; r <= hi; r++ {
		s[r/64] |= 1 << (r % 64)
	}
}

func (s *byteSet) has(c byte) bool { return c < 128 && s[c/64]&(1<<(c%64)) != 0 }

// classStep is min to max bytes of one set.
type classStep struct {
	set      byteSet
	min, max int
}

// classSeq matches a whole string that is its steps one after another. At
// most one step varies in length, so where each step starts is known from
// the string's length alone.
type classSeq struct {
	steps      []classStep
	fixed      int // the bytes of the fixed steps
	varying    int // the index of the step that varies, -1 if none
	vmin, vmax int
}

// compileClassSeq recognises a pattern ^S1S2…Sn$ where each S is a class
// of ASCII characters (or one ASCII literal) repeated a fixed number of
// times, and at most one is repeated a bounded range of times.
func compileClassSeq(pattern string) (*classSeq, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil || re.Op != syntax.OpConcat || len(re.Sub) < 3 {
		return nil, false
	}
	subs := re.Sub
	if subs[0].Op != syntax.OpBeginText || subs[len(subs)-1].Op != syntax.OpEndText {
		return nil, false
	}
	q := &classSeq{varying: -1}
	for _, s := range subs[1 : len(subs)-1] {
		steps, ok := stepsOf(s)
		if !ok {
			return nil, false
		}
		for _, st := range steps {
			if st.min != st.max {
				if q.varying >= 0 {
					return nil, false
				}
				q.varying, q.vmin, q.vmax = len(q.steps), st.min, st.max
			} else {
				q.fixed += st.min
			}
			q.steps = append(q.steps, st)
		}
	}
	return q, true
}

// stepsOf is the steps of one element of the concatenation.
func stepsOf(s *syntax.Regexp) ([]classStep, bool) {
	switch s.Op {
	case syntax.OpLiteral:
		if s.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		var out []classStep
		for _, r := range s.Rune {
			set, ok := setOf([]rune{r, r})
			if !ok {
				return nil, false
			}
			out = append(out, classStep{set: set, min: 1, max: 1})
		}
		return out, true
	case syntax.OpCharClass:
		set, ok := setOf(s.Rune)
		return []classStep{{set: set, min: 1, max: 1}}, ok
	case syntax.OpRepeat:
		if s.Max < 0 || len(s.Sub) != 1 || s.Sub[0].Op != syntax.OpCharClass {
			return nil, false
		}
		set, ok := setOf(s.Sub[0].Rune)
		return []classStep{{set: set, min: s.Min, max: s.Max}}, ok
	}
	return nil, false
}

// setOf is the set of a class's rune ranges, all ASCII.
func setOf(ranges []rune) (byteSet, bool) {
	var set byteSet
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i+1] >= 128 {
			return byteSet{}, false
		}
		set.add(ranges[i], ranges[i+1])
	}
	return set, len(ranges) > 0 && len(ranges)%2 == 0
}

// match reports whether b is the sequence. A byte outside ASCII matches no
// class, as in the regexp, which reads it as part of a non-ASCII rune (or
// as U+FFFD).
func (q *classSeq) match(b []byte) bool {
	v := len(b) - q.fixed // the varying step's length
	if q.varying < 0 && v != 0 || q.varying >= 0 && (v < q.vmin || v > q.vmax) {
		return false
	}
	i := 0
	for k, st := range q.steps {
		n := st.min
		if k == q.varying {
			n = v
		}
		for _, c := range b[i : i+n] {
			if !st.set.has(c) {
				return false
			}
		}
		i += n
	}
	return true
}

// b64Pattern is defs.json's base64url (unpadded, canonical) pattern.
const b64Pattern = `^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}[AEIMQUYcgkosw048]|[A-Za-z0-9_-][AQgw])?$`

var b64Alphabet, b64Last3, b64Last2 byteSet

func init() {
	for _, r := range [][2]rune{{'A', 'Z'}, {'a', 'z'}, {'0', '9'}, {'_', '_'}, {'-', '-'}} {
		b64Alphabet.add(r[0], r[1])
	}
	for _, r := range "AEIMQUYcgkosw048" {
		b64Last3.add(r, r)
	}
	for _, r := range "AQgw" {
		b64Last2.add(r, r)
	}
}

// matchB64 matches [b64Pattern]: groups of four alphabet characters, then
// optionally three whose last is in [AEIMQUYcgkosw048] or two whose last
// is in [AQgw] (both subsets of the alphabet).
func matchB64(b []byte) bool {
	n := len(b)
	switch n % 4 {
	case 1:
		return false
	case 2:
		if !b64Last2.has(b[n-1]) {
			return false
		}
		n--
	case 3:
		if !b64Last3.has(b[n-1]) {
			return false
		}
		n--
	}
	for _, c := range b[:n] {
		if !b64Alphabet.has(c) {
			return false
		}
	}
	return true
}
