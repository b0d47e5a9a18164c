package keys

import (
	"bytes"
	"crypto/ed25519"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// PrivateKeys is an [Identity] in storable form, for a client's keystore
// (which writes it with mode 0600: anyone who reads it is the account):
//
//	{"address":"alice#a.test","sign_seed":"…","box_key":"…","bundle":{…}}
//
// sign_seed is the 32-byte Ed25519 seed, box_key the 32-byte X25519
// private scalar, bundle the identity's current signed bundle.
type PrivateKeys struct {
	Address  address.Address `json:"address"`
	SignSeed wire.Bytes      `json:"sign_seed"`
	BoxKey   wire.Bytes      `json:"box_key"`
	Bundle   Bundle          `json:"bundle"`
}

// PrivateKeys exports the identity for a keystore.
func (id *Identity) PrivateKeys() PrivateKeys {
	return PrivateKeys{
		Address:  id.addr,
		SignSeed: bytes.Clone(id.sign.Seed()),
		BoxKey:   bytes.Clone(id.boxPriv[:]),
		Bundle:   id.bundle.clone(),
	}
}

// FromPrivateKeys restores an identity from a keystore, checking that the
// bundle verifies and publishes exactly the stored keys ([wire.BadKey]
// otherwise).
func FromPrivateKeys(pk PrivateKeys) (*Identity, error) {
	if err := pk.Bundle.Verify(); err != nil {
		return nil, fmt.Errorf("load private keys: %w", err)
	}
	if pk.Address != pk.Bundle.Address {
		return nil, fmt.Errorf("load private keys: %w",
			wire.Errorf(wire.Malformed, "/address", "keystore address %s differs from the bundle's %s", pk.Address, pk.Bundle.Address))
	}
	id, err := fromSeeds(pk.Address, pk.SignSeed, pk.BoxKey)
	if err != nil {
		return nil, fmt.Errorf("load private keys: %w", err)
	}
	if !bytes.Equal(id.sign.Public().(ed25519.PublicKey), pk.Bundle.SignKey) || !bytes.Equal(id.boxPub[:], pk.Bundle.BoxKey) {
		return nil, fmt.Errorf("load private keys: %w", wire.Errorf(wire.BadKey, "", "the private keys do not match the bundle"))
	}
	id.bundle = pk.Bundle.clone()
	return id, nil
}
