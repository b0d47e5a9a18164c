package canonical

import "slices"

// member is one member of an object being read: its decoded name and the
// span of out that holds its canonical `"name":value`. A member that a
// [Cut] removed keeps its name, for the duplicate check, and has no span
// (start < 0).
type member struct {
	name       []byte
	start, end int
}

// span is the range out[start:end].
type span struct{ start, end int }

// fixup is an object whose members arrived out of canonical order. Its
// content, between the braces, is out[start:end]; order[lo:hi] are the
// spans of its members in canonical order.
type fixup struct {
	start, end int
	lo, hi     int
}

// object reads an object. cuts are the [Cut] paths that lead into it (only
// along the path from the top-level object); each one's name at this level
// is Path[len(c.path)-1].
func (c *canon) object(cuts []*Cut) error {
	if err := c.enter(step{}); err != nil {
		return err
	}
	c.out = append(c.out, '{')
	content, base := len(c.out), len(c.members)
	c.skipSpace()
	if c.peek() == '}' {
		return c.leave('}')
	}
	for {
		if err := c.member(cuts, content); err != nil {
			return err
		}
		c.skipSpace()
		switch c.peek() {
		case ',':
			c.pos++
			c.skipSpace()
		case '}':
			if err := c.sortMembers(content, c.members[base:]); err != nil {
				return err
			}
			c.members = c.members[:base]
			return c.leave('}')
		default:
			return c.unexpected("after object member")
		}
	}
}

// member reads one member of the object whose content starts at
// out[content], writes it (after a comma unless it is the first one
// written) and records it in c.members.
func (c *canon) member(cuts []*Cut, content int) error {
	if c.peek() != '"' {
		return c.unexpected("looking for beginning of object member name")
	}
	from := len(c.out)
	if from > content {
		c.out = append(c.out, ',')
	}
	start := len(c.out)
	name, err := c.str(true)
	if err != nil {
		return err
	}
	level := len(c.path) - 1
	c.path[level].name = name
	c.skipSpace()
	if c.peek() != ':' {
		return c.unexpected("after object member name")
	}
	c.pos++
	c.out = append(c.out, ':')
	c.skipSpace()
	if len(cuts) == 0 {
		if err := c.value(); err != nil {
			return err
		}
		c.members = append(c.members, member{name: name, start: start, end: len(c.out)})
		return nil
	}
	return c.cutMember(cuts, name, level, from, start)
}

// sortMembers checks that the members ms of the object whose content starts at
// out[content] have distinct names and, unless they arrived in canonical
// order, records a [fixup] that puts them in order.
func (c *canon) sortMembers(content int, ms []member) error {
	for i := 1; i < len(ms); i++ {
		switch d := compareNames(ms[i-1].name, ms[i].name); {
		case d == 0:
			return c.duplicate(ms[i].name)
		case d > 0:
			return c.reorder(content, ms)
		}
	}
	return nil
}

// reorder sorts the members ms and records the [fixup] of their object.
func (c *canon) reorder(content int, ms []member) error {
	slices.SortFunc(ms, func(a, b member) int { return compareNames(a.name, b.name) })
	lo := len(c.order)
	for i, m := range ms {
		if i > 0 && compareNames(ms[i-1].name, m.name) == 0 {
			return c.duplicate(m.name)
		}
		if m.start >= 0 {
			c.order = append(c.order, span{m.start, m.end})
		}
	}
	c.fixups = append(c.fixups, fixup{start: content, end: len(c.out), lo: lo, hi: len(c.order)})
	return nil
}

// duplicate reports a second member called name in the current object.
func (c *canon) duplicate(name []byte) error {
	c.path[len(c.path)-1].name = name
	return c.fail(len(c.path), "duplicate object member name %q", name)
}

// compareNames orders two member names by their UTF-16 code units, as
// RFC 8785 §3.2.3 requires. For valid UTF-8 that is byte order except
// between a code point above U+FFFF (4-byte UTF-8, high surrogate
// D800–DBFF in UTF-16) and one in U+E000–U+FFFF (lead byte EE or EF),
// where UTF-16 puts the former first.
func compareNames(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i == n {
		return len(a) - len(b)
	}
	x, y := a[i], b[i]
	switch {
	case x >= 0xF0 && (y == 0xEE || y == 0xEF):
		return -1
	case y >= 0xF0 && (x == 0xEE || x == 0xEF):
		return 1
	}
	return int(x) - int(y)
}

// finish appends out[lo:hi] to dst with the members of every object in
// fixups in canonical order. fixups must be sorted by start and lie
// within [lo, hi); each byte is copied once, whatever the nesting.
func (c *canon) finish(lo, hi int, fixups []fixup, dst []byte) []byte {
	for len(fixups) > 0 {
		f := fixups[0]
		dst = append(dst, c.out[lo:f.start]...)
		for i, s := range c.order[f.lo:f.hi] {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = c.finish(s.start, s.end, within(fixups[1:], s.start, s.end), dst)
		}
		lo = f.end
		fixups = fixups[searchFixups(fixups, f.end):]
	}
	return append(dst, c.out[lo:hi]...)
}

// within returns the fixups, sorted by start, that start in [lo, hi).
func within(fixups []fixup, lo, hi int) []fixup {
	fixups = fixups[searchFixups(fixups, lo):]
	return fixups[:searchFixups(fixups, hi)]
}

// searchFixups returns the index of the first fixup that starts at or
// after pos in fixups sorted by start.
func searchFixups(fixups []fixup, pos int) int {
	lo, hi := 0, len(fixups)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if fixups[mid].start < pos {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// sortFixups sorts fixups by start (they are recorded innermost first).
func sortFixups(fixups []fixup) {
	slices.SortFunc(fixups, func(a, b fixup) int { return a.start - b.start })
}
