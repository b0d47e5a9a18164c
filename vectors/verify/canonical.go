package verify

import (
	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/vectors"
)

// runCanonicalJSON runs canonical-json.json through [canonical.Transform]
// (JcsTransform groups: RFC 8785) and [canonical.Protocol] (JcsProtocol
// groups: RFC 8785 plus the EMSG integer rule), comparing the canonical
// form with the expected output.
func runCanonicalJSON(g *vectors.Group, tc *vectors.Test) (Outcome, error) {
	f := newFields(g, tc)
	in := []byte(f.str("input"))
	if f.err != nil {
		return Outcome{}, f.err
	}
	transform := canonical.Transform
	if g.Type == "JcsProtocol" {
		transform = canonical.Protocol
	}
	out, err := transform(in)
	if err != nil {
		return fail(err), nil
	}
	want := []byte(f.str("output"))
	if f.err != nil {
		return Outcome{}, f.err
	}
	return Outcome{Mismatch: wantBytes("canonical form", out, want)}, nil
}
