package verify

import (
	"crypto/ed25519"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// party is one account of a group's "parties" parameter: its seeds and
// keys, so that a runner can open what was sealed to it and re-sign what it
// signed.
type party struct {
	SignSeed      wire.Bytes `json:"signSeed"`
	SignPublicKey wire.Bytes `json:"signPublicKey"`
	BoxPrivateKey wire.Bytes `json:"boxPrivateKey"`
	BoxPublicKey  wire.Bytes `json:"boxPublicKey"`
}

// signKey returns the party's Ed25519 private key.
func (p party) signKey() ed25519.PrivateKey { return ed25519.NewKeyFromSeed(p.SignSeed) }

// boxPrivate returns the party's X25519 private key as an array.
func (p party) boxPrivate() *[32]byte { return (*[32]byte)(p.BoxPrivateKey) }

// boxPublic returns the party's X25519 public key as an array.
func (p party) boxPublic() *[32]byte { return (*[32]byte)(p.BoxPublicKey) }

// partiesOf decodes the group's parties, by address.
func partiesOf(g *vectors.Group) (map[string]party, error) {
	var p struct {
		Parties map[string]party `json:"parties"`
	}
	if err := g.Decode(&p); err != nil {
		return nil, fmt.Errorf("group parties: %w", err)
	}
	return p.Parties, nil
}
