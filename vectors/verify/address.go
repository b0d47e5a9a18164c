package verify

import (
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/vectors"
)

// runAddress runs address.json through [address.Parse]: a valid input
// parses to the normalized address with the given local part and domain; an
// invalid one fails with bad_address and the address reason as detail.
func runAddress(g *vectors.Group, tc *vectors.Test) (Outcome, error) {
	f := newFields(g, tc)
	in := f.str("input")
	if f.err != nil {
		return Outcome{}, f.err
	}
	a, err := address.Parse(in)
	if err != nil {
		return Outcome{Err: err, Detail: string(address.ReasonOf(err))}, nil
	}
	want, local, domain := f.str("normalized"), f.str("local"), f.str("domain")
	if f.err != nil {
		return Outcome{}, f.err
	}
	if a.String() != want || a.Local != local || a.Domain != domain {
		return Outcome{Mismatch: fmt.Errorf("got %q (%q, %q), want %q", a, a.Local, a.Domain, want)}, nil
	}
	return Outcome{}, nil
}
