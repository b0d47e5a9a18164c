package spec

import (
	"sync"
	"unicode/utf8"
)

// This file is the parser of the fast validator (see fast_schema.go): it
// reads one JSON document into a flat list of nodes that point into the
// input, without maps, interfaces or copies. It accepts only documents
// that [decodeInstance] accepts too — valid UTF-8, one value, no repeated
// member name, integer numbers only — and, to stay small, only those whose
// strings hold no escape sequence: everything else is "not sure", and the
// generic validator decides.

// jkind is the JSON type of a node.
type jkind uint8

const (
	jNull jkind = iota
	jFalse
	jTrue
	jNumber
	jString
	jArray
	jObject
)

// jnode is one JSON value of a parsed document. A string's text and a
// number's literal are raw: with no escapes allowed, the string's bytes
// between the quotes are its value. A container's children are linked from
// first through next; an object's children carry their member name in key.
type jnode struct {
	kind  jkind
	raw   []byte // a string's text or a number's literal
	key   []byte // the member name, for a child of an object
	count int32  // a container's children
	first int32  // a container's first child, -1 when empty
	next  int32  // the next sibling, -1 after the last
}

// maxFastDepth bounds nesting in the fast parser; deeper documents go to
// the generic validator.
const maxFastDepth = 64

// maxFastMembers bounds an object's members in the fast parser, whose
// check for repeated names is quadratic; larger objects go to the generic
// validator.
const maxFastMembers = 256

// jdoc is a parsed document: nodes[0] is the top-level value.
type jdoc struct {
	nodes []jnode
	in    []byte
	pos   int
}

// docPool recycles node lists between validations.
var docPool = sync.Pool{New: func() any { return &jdoc{nodes: make([]jnode, 0, 64)} }}

// parseFast parses raw into a pooled document, or returns ok == false when
// raw is not certainly a document the wire rules accept (see the file
// comment). The caller returns the document with [releaseDoc].
func parseFast(raw []byte) (*jdoc, bool) {
	if !utf8.Valid(raw) {
		return nil, false
	}
	d := docPool.Get().(*jdoc)
	d.nodes, d.in, d.pos = d.nodes[:0], raw, 0
	d.space()
	if _, ok := d.value(0); !ok {
		releaseDoc(d)
		return nil, false
	}
	d.space()
	if d.pos != len(raw) {
		releaseDoc(d)
		return nil, false
	}
	return d, true
}

// releaseDoc returns d to the pool; it must not be used afterwards.
func releaseDoc(d *jdoc) {
	if cap(d.nodes) > 4096 {
		return // an unusually large document: let it go
	}
	d.in = nil
	docPool.Put(d)
}

// space skips JSON whitespace.
func (d *jdoc) space() {
	for d.pos < len(d.in) {
		switch d.in[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// add appends a node and returns its index.
func (d *jdoc) add(n jnode) int32 {
	d.nodes = append(d.nodes, n)
	return int32(len(d.nodes) - 1)
}

// value parses the value at pos (whitespace skipped) and returns its index.
func (d *jdoc) value(depth int) (int32, bool) {
	if d.pos >= len(d.in) || depth > maxFastDepth {
		return 0, false
	}
	switch c := d.in[d.pos]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		s, ok := d.str()
		return d.add(jnode{kind: jString, raw: s, first: -1, next: -1}), ok
	case c == '-' || (c >= '0' && c <= '9'):
		lit, ok := d.number()
		return d.add(jnode{kind: jNumber, raw: lit, first: -1, next: -1}), ok
	case c == 't':
		return d.add(jnode{kind: jTrue, first: -1, next: -1}), d.literal("true")
	case c == 'f':
		return d.add(jnode{kind: jFalse, first: -1, next: -1}), d.literal("false")
	case c == 'n':
		return d.add(jnode{kind: jNull, first: -1, next: -1}), d.literal("null")
	}
	return 0, false
}

// literal consumes word.
func (d *jdoc) literal(word string) bool {
	if len(d.in)-d.pos < len(word) || string(d.in[d.pos:d.pos+len(word)]) != word {
		return false
	}
	d.pos += len(word)
	return true
}

// str consumes a string without escapes or control characters and returns
// its text.
func (d *jdoc) str() ([]byte, bool) {
	start := d.pos + 1
	for i := start; i < len(d.in); i++ {
		switch c := d.in[i]; {
		case c == '"':
			d.pos = i + 1
			return d.in[start:i], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// number consumes an integer literal, -?(0|[1-9][0-9]*), that no fraction
// or exponent follows.
func (d *jdoc) number() ([]byte, bool) {
	start, i := d.pos, d.pos
	if d.in[i] == '-' {
		i++
	}
	switch {
	case i < len(d.in) && d.in[i] == '0':
		i++
	case i < len(d.in) && d.in[i] >= '1' && d.in[i] <= '9':
		for i < len(d.in) && d.in[i] >= '0' && d.in[i] <= '9' {
			i++
		}
	default:
		return nil, false
	}
	if i < len(d.in) {
		switch d.in[i] {
		case '.', 'e', 'E', '-', '+':
			return nil, false
		}
		if d.in[i] >= '0' && d.in[i] <= '9' {
			return nil, false // a leading zero
		}
	}
	d.pos = i
	return d.in[start:i], true
}

// array parses an array whose "[" is at pos.
func (d *jdoc) array(depth int) (int32, bool) {
	self := d.add(jnode{kind: jArray, first: -1, next: -1})
	d.pos++
	d.space()
	if d.pos < len(d.in) && d.in[d.pos] == ']' {
		d.pos++
		return self, true
	}
	prev := int32(-1)
	for {
		d.space()
		child, ok := d.value(depth + 1)
		if !ok {
			return self, false
		}
		d.link(self, prev, child)
		prev = child
		d.space()
		if d.pos >= len(d.in) {
			return self, false
		}
		switch d.in[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return self, true
		default:
			return self, false
		}
	}
}

// object parses an object whose "{" is at pos; a repeated member name
// fails it.
func (d *jdoc) object(depth int) (int32, bool) {
	self := d.add(jnode{kind: jObject, first: -1, next: -1})
	d.pos++
	d.space()
	if d.pos < len(d.in) && d.in[d.pos] == '}' {
		d.pos++
		return self, true
	}
	prev := int32(-1)
	for {
		d.space()
		if d.pos >= len(d.in) || d.in[d.pos] != '"' {
			return self, false
		}
		key, ok := d.str()
		if !ok || d.nodes[self].count >= maxFastMembers || d.hasMember(self, key) {
			return self, false
		}
		d.space()
		if d.pos >= len(d.in) || d.in[d.pos] != ':' {
			return self, false
		}
		d.pos++
		d.space()
		child, ok := d.value(depth + 1)
		if !ok {
			return self, false
		}
		d.nodes[child].key = key
		d.link(self, prev, child)
		prev = child
		d.space()
		if d.pos >= len(d.in) {
			return self, false
		}
		switch d.in[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return self, true
		default:
			return self, false
		}
	}
}

// link appends child to the container parent after prev (-1: first).
func (d *jdoc) link(parent, prev, child int32) {
	if prev < 0 {
		d.nodes[parent].first = child
	} else {
		d.nodes[prev].next = child
	}
	d.nodes[parent].count++
}

// hasMember reports whether the object obj already has a member key.
func (d *jdoc) hasMember(obj int32, key []byte) bool {
	for c := d.nodes[obj].first; c >= 0; c = d.nodes[c].next {
		if string(d.nodes[c].key) == string(key) {
			return true
		}
	}
	return false
}

// member returns the child of obj named key, or -1.
func (d *jdoc) member(obj int32, key string) int32 {
	for c := d.nodes[obj].first; c >= 0; c = d.nodes[c].next {
		if string(d.nodes[c].key) == key {
			return c
		}
	}
	return -1
}
