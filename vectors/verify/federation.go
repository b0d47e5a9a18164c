package verify

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// fedGroup is the shape of a FederationVerify group.
type fedGroup struct {
	Scheme       string                           `json:"scheme"`
	Self         string                           `json:"self"`
	Now          wire.Millis                      `json:"now"`
	ServerKeys   map[string]map[string]wire.Bytes `json:"serverKeys"`
	SigningSeeds map[string]map[string]wire.Bytes `json:"signingSeeds"`
}

// fedTest is the shape of a FederationVerify test.
type fedTest struct {
	Method        string     `json:"method"`
	Target        string     `json:"target"`
	Body          wire.Bytes `json:"body"`
	Authorization string     `json:"authorization"`
	SigningInput  string     `json:"signingInput"`
}

// runFederationSignature runs federation-signature.json through
// [fedsig.Verifier] at the group's clock; a valid test must also give the
// expected [fedsig.SigningInput], and re-signing with the given seed must
// reproduce the header in canonical form.
func runFederationSignature(g *vectors.Group, tc *vectors.Test) (Outcome, error) {
	var fg fedGroup
	var ft fedTest
	if err := g.Decode(&fg); err != nil {
		return Outcome{}, fmt.Errorf("group: %w", err)
	}
	if err := tc.Decode(&ft); err != nil {
		return Outcome{}, fmt.Errorf("test: %w", err)
	}
	keys := fedsig.StaticKeys{}
	for origin, ids := range fg.ServerKeys {
		keys[origin] = map[string]ed25519.PublicKey{}
		for id, pub := range ids {
			keys[origin][id] = ed25519.PublicKey(pub)
		}
	}
	v := fedsig.Verifier{Scheme: fg.Scheme, Self: fg.Self, Keys: keys}
	p, err := v.Verify(context.Background(), fg.Now.Time(), ft.Authorization, ft.Method, ft.Target, ft.Body)
	if err != nil {
		return fail(err), nil
	}
	return Outcome{Mismatch: checkFedOutputs(fg, ft, p)}, nil
}

// checkFedOutputs compares the signing input and a re-signed header.
func checkFedOutputs(fg fedGroup, ft fedTest, p fedsig.Params) error {
	in, err := fedsig.SigningInput(ft.Method, ft.Target, p.Origin, p.Destination, p.Key, p.TS, ft.Body)
	if err != nil {
		return err
	}
	if err := wantBytes("signing input", in, []byte(ft.SigningInput)); err != nil {
		return err
	}
	seed, ok := fg.SigningSeeds[p.Origin][p.Key]
	if !ok {
		return fmt.Errorf("bad vector: no seed for %s %s", p.Origin, p.Key)
	}
	key := fedsig.ServerKey{ID: p.Key, Private: ed25519.NewKeyFromSeed(seed)}
	deps := wire.Seeded("unused", p.TS.Time())
	var h string
	if p.Scheme == fedsig.SchemeAdmin {
		h, err = fedsig.SignAdmin(deps, key, ft.Method, ft.Target, p.Destination, ft.Body)
	} else {
		h, err = fedsig.Sign(deps, key, ft.Method, ft.Target, p.Origin, p.Destination, ft.Body)
	}
	if err != nil {
		return err
	}
	return wantBytes("re-signed header (canonical form)", []byte(h), []byte(p.Header()))
}
