package canonical

import (
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// A Cut names a member that [ProtocolWithout] leaves out of the canonical
// form of an object, and receives what was found there. The signing
// package uses cuts to compute a signing input (the object without its
// "sig") and read the signature in the same pass.
type Cut struct {
	// Path holds the names of the members that lead from the top-level
	// object to the member, outermost first: {"sig"} or {"prev", "sig"}.
	// A cut with an empty path is ignored.
	Path []string

	// Value is set to the canonical form of the member's value (without
	// what other cuts remove from inside it), or nil when the member is
	// absent.
	Value []byte
	// Reached is set to how many names of Path lead to members that are
	// present: len(Path) when the member was found.
	Reached int
	// Blocked is set when the member at Path[:Reached] is present but is
	// not an object, so that Path cannot be followed to its end.
	Blocked bool
}

// ProtocolWithout is [Protocol] for a JSON object from which the members
// named by cuts are removed: it returns the canonical form of the object
// without them and fills in each [Cut]. Paths are followed in the object
// as received, so cuts may overlap: {"sig"} and {"sig", "x"} both find
// their member. The duplicate-name and number rules apply to removed
// members too. Text that [Protocol] rejects is a
// [wire.BadEncoding] error; a JSON value that is not an object is a
// [wire.Malformed] one. The signing input of a signed object is
// ProtocolWithout(raw, &Cut{Path: []string{"sig"}}).
func ProtocolWithout(raw []byte, cuts ...*Cut) ([]byte, error) {
	out, err := run(raw, true, reset(cuts))
	if err != nil {
		return nil, fmt.Errorf("canonicalise: %w", err)
	}
	if out[0] != '{' {
		return nil, wire.Errorf(wire.Malformed, "", "the JSON value is not an object")
	}
	return out, nil
}

// reset clears the results of cuts and returns those with a path.
func reset(cuts []*Cut) []*Cut {
	all := true
	for _, k := range cuts {
		k.Value, k.Reached, k.Blocked = nil, 0, false
		all = all && len(k.Path) > 0
	}
	if all {
		return cuts
	}
	var active []*Cut
	for _, k := range cuts {
		if len(k.Path) > 0 {
			active = append(active, k)
		}
	}
	return active
}

// cutMember reads the value of a member called name, at depth level, of
// an object that cuts lead into; the member's text starts at out[start],
// after a comma written at out[from] if there was one. Cuts whose path
// ends here remove the member and receive its value; cuts whose path goes
// on are followed into the value, or blocked when it is not an object.
func (c *canon) cutMember(cuts []*Cut, name []byte, level, from, start int) error {
	var inner []*Cut
	removed := false
	for _, k := range cuts {
		if string(name) != k.Path[level] {
			continue
		}
		k.Reached = level + 1
		if level+1 == len(k.Path) {
			removed = true
		} else {
			inner = append(inner, k)
		}
	}
	valueStart, fixed, isObject := len(c.out), len(c.fixups), c.peek() == '{'
	var err error
	if len(inner) > 0 && isObject {
		err = c.object(inner)
	} else {
		err = c.value()
	}
	if err != nil {
		return err
	}
	if !isObject {
		for _, k := range inner {
			k.Blocked = true
		}
	}
	if !removed {
		c.members = append(c.members, member{name: name, start: start, end: len(c.out)})
		return nil
	}
	c.remove(cuts, level, from, valueStart, fixed)
	c.members = append(c.members, member{name: name, start: -1})
	return nil
}

// remove hands the value just read, out[valueStart:], to the cuts that end
// at this member and takes the member back out of out, with the fixups
// recorded since fixups[fixed].
func (c *canon) remove(cuts []*Cut, level, from, valueStart, fixed int) {
	tail := c.fixups[fixed:]
	sortFixups(tail)
	value := c.finish(valueStart, len(c.out), tail, nil)
	for _, k := range cuts {
		if k.Reached == level+1 && len(k.Path) == level+1 {
			k.Value = value
		}
	}
	c.fixups = c.fixups[:fixed]
	c.out = c.out[:from]
}
