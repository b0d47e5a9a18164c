package canonical

import (
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// maxDepth is how deeply arrays and objects may nest. It is the limit of
// encoding/json and of github.com/gowebpki/jcs, so the three accept the
// same texts; it also bounds the recursion of the parser.
const maxDepth = 10000

// canon is the state of one canonicalisation: a strict recursive-descent
// parser over in that writes the canonical form of each value to out as
// it goes. Object members are written in the order they arrive; an object
// whose members were not already in canonical order gets a [fixup], and
// [canon.finish] writes the final bytes with every object's members in
// order. The state is pooled, so its slices are reused from call to call.
type canon struct {
	in       []byte
	pos      int
	out      []byte
	protocol bool // the EMSG/1 number rule

	members []member // the members of the objects being read, innermost last
	fixups  []fixup  // the objects whose members must be reordered
	order   []span   // the member spans of each fixup, in canonical order
	path    []step   // where the parser is, for error messages
	names   []byte   // decoded member names that contained escapes
}

// step is one level of [canon.path]: the member name or array index that
// leads from a container to the value being read.
type step struct {
	name  []byte
	index int
	array bool
}

var pool = sync.Pool{New: func() any { return new(canon) }}

// maxPooled is the largest buffer kept for reuse, so that one huge input
// does not pin its memory in the pool.
const maxPooled = 1 << 16

// run canonicalises raw, leaving out the members named by cuts, and returns
// a new slice the caller owns.
func run(raw []byte, protocol bool, cuts []*Cut) ([]byte, error) {
	c := pool.Get().(*canon)
	defer c.release()
	c.in, c.protocol = raw, protocol
	if !utf8.Valid(raw) {
		return nil, c.fail(0, "JSON text is not valid UTF-8")
	}
	if err := c.document(cuts); err != nil {
		return nil, err
	}
	sortFixups(c.fixups)
	return c.finish(0, len(c.out), c.fixups, make([]byte, 0, len(c.out))), nil
}

// release resets c and returns it to the pool.
func (c *canon) release() {
	if cap(c.out) > maxPooled || cap(c.names) > maxPooled || cap(c.members) > maxPooled {
		return
	}
	*c = canon{
		out:     c.out[:0],
		members: c.members[:0],
		fixups:  c.fixups[:0],
		order:   c.order[:0],
		path:    c.path[:0],
		names:   c.names[:0],
	}
	pool.Put(c)
}

// document reads exactly one JSON value, surrounded by optional whitespace.
func (c *canon) document(cuts []*Cut) error {
	c.skipSpace()
	if c.pos == len(c.in) {
		return c.fail(0, "no JSON value: unexpected end of JSON input")
	}
	if len(cuts) > 0 && c.in[c.pos] == '{' {
		if err := c.object(cuts); err != nil {
			return err
		}
	} else if err := c.value(); err != nil {
		return err
	}
	c.skipSpace()
	if c.pos != len(c.in) {
		return c.fail(0, "data after the JSON value")
	}
	return nil
}

// value reads the value that starts at c.pos.
func (c *canon) value() error {
	if c.pos == len(c.in) {
		return c.fail(len(c.path), "unexpected end of JSON input")
	}
	switch b := c.in[c.pos]; {
	case b == '{':
		return c.object(nil)
	case b == '[':
		return c.array()
	case b == '"':
		_, err := c.str(false)
		return err
	case b == '-' || ('0' <= b && b <= '9'):
		return c.number()
	case b == 't':
		return c.literal("true")
	case b == 'f':
		return c.literal("false")
	case b == 'n':
		return c.literal("null")
	default:
		return c.fail(len(c.path), "invalid character %q looking for beginning of value", rune(b))
	}
}

// literal reads true, false or null.
func (c *canon) literal(word string) error {
	if len(c.in)-c.pos < len(word) || string(c.in[c.pos:c.pos+len(word)]) != word {
		return c.fail(len(c.path), "invalid literal: want %s", word)
	}
	c.pos += len(word)
	c.out = append(c.out, word...)
	return nil
}

// array reads an array, keeping the order of its elements.
func (c *canon) array() error {
	if err := c.enter(step{array: true}); err != nil {
		return err
	}
	c.out = append(c.out, '[')
	c.skipSpace()
	if c.peek() == ']' {
		return c.leave(']')
	}
	for i := 0; ; i++ {
		c.path[len(c.path)-1].index = i
		if err := c.value(); err != nil {
			return err
		}
		c.skipSpace()
		switch c.peek() {
		case ',':
			c.pos++
			c.out = append(c.out, ',')
			c.skipSpace()
		case ']':
			return c.leave(']')
		default:
			return c.unexpected("after array element")
		}
	}
}

// enter consumes the opening bracket of a container and descends into it.
func (c *canon) enter(s step) error {
	if len(c.path) >= maxDepth {
		return c.fail(len(c.path), "nesting deeper than %d levels", maxDepth)
	}
	c.pos++
	c.path = append(c.path, s)
	return nil
}

// leave consumes the closing bracket of a container and climbs out of it.
func (c *canon) leave(close byte) error {
	c.pos++
	c.out = append(c.out, close)
	c.path = c.path[:len(c.path)-1]
	return nil
}

// skipSpace skips the four JSON whitespace characters.
func (c *canon) skipSpace() {
	for c.pos < len(c.in) {
		switch c.in[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

// peek returns the byte at c.pos, or 0 at the end of the input.
func (c *canon) peek() byte {
	if c.pos == len(c.in) {
		return 0
	}
	return c.in[c.pos]
}

// unexpected reports the byte at c.pos (or the end of the input) as a
// syntax error in the innermost container.
func (c *canon) unexpected(context string) error {
	if c.pos == len(c.in) {
		return c.fail(len(c.path)-1, "unexpected end of JSON input")
	}
	return c.fail(len(c.path)-1, "invalid character %q %s", rune(c.in[c.pos]), context)
}

// fail returns a [wire.BadEncoding] error at the JSON pointer of the first
// depth levels of the path.
func (c *canon) fail(depth int, format string, args ...any) error {
	return wire.Errorf(wire.BadEncoding, c.pointer(depth), format, args...)
}

// pointer renders the first depth levels of the path as a JSON pointer
// (names unescaped, as in the rest of the library's error fields).
func (c *canon) pointer(depth int) string {
	var p []byte
	for _, s := range c.path[:max(depth, 0)] {
		p = append(p, '/')
		if s.array {
			p = strconv.AppendInt(p, int64(s.index), 10)
		} else {
			p = append(p, s.name...)
		}
	}
	return string(p)
}
