package keys

import (
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/strict"
)

// The members of a bundle and of its prev link.
var (
	bundleRequired = []string{"address", "sign_key", "box_key", "created", "sig"}
	bundleOptional = []string{"prev"}
	prevRequired   = []string{"sign_key", "sig"}
)

// decodeBundle decodes raw strictly, without checking keys or signatures.
func decodeBundle(raw []byte) (Bundle, error) {
	if _, err := canonical.Protocol(raw); err != nil {
		return Bundle{}, err
	}
	members, err := checkMembers(raw, "", bundleRequired, bundleOptional)
	if err != nil {
		return Bundle{}, err
	}
	var b Bundle
	var addr string
	for _, m := range []struct {
		name string
		into any
	}{
		{"address", &addr}, {"sign_key", &b.SignKey}, {"box_key", &b.BoxKey}, {"created", &b.Created}, {"sig", &b.Sig},
	} {
		if err := decodeMember(members, "", m.name, m.into); err != nil {
			return Bundle{}, err
		}
	}
	if b.Address, err = parseCanonicalAddress(addr); err != nil {
		return Bundle{}, err
	}
	if prev, ok := members["prev"]; ok {
		if b.Prev, err = decodePrev(prev); err != nil {
			return Bundle{}, err
		}
	}
	return b, nil
}

// decodePrev decodes the prev link of a rotated bundle.
func decodePrev(raw []byte) (*PrevLink, error) {
	members, err := checkMembers(raw, "/prev", prevRequired, nil)
	if err != nil {
		return nil, err
	}
	var p PrevLink
	if err := decodeMember(members, "/prev", "sign_key", &p.SignKey); err != nil {
		return nil, err
	}
	if err := decodeMember(members, "/prev", "sig", &p.Sig); err != nil {
		return nil, err
	}
	return &p, nil
}

// parseCanonicalAddress parses the address member of a signed object, which
// must already be in canonical form (bad_address, reason not_canonical):
// accepting "Alice#A.test" would make the decoded bundle re-encode to bytes
// its signature does not cover.
func parseCanonicalAddress(s string) (address.Address, error) {
	a, err := address.ParseCanonical(s)
	return a, strict.At("/address", err)
}
