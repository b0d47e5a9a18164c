package keys

import (
	"bytes"
	"crypto/ed25519"
	"fmt"

	"golang.org/x/crypto/curve25519"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Identity is the private side of an account's keys, held only by the
// account's clients: the Ed25519 signing key, the X25519 box key and the
// bundle that publishes their public halves. An Identity is immutable;
// [Identity.Rotate] returns a new one.
type Identity struct {
	addr    address.Address
	sign    ed25519.PrivateKey
	boxPriv [32]byte
	boxPub  [32]byte
	bundle  Bundle
}

// NewIdentity makes the keys of a new account from 64 bytes of deps.Rand
// (the Ed25519 seed, then the X25519 scalar) and a bundle signed at
// deps.Millis().
func NewIdentity(deps wire.Deps, addr address.Address) (*Identity, error) {
	if err := checkAddress(addr); err != nil {
		return nil, fmt.Errorf("new identity: %w", err)
	}
	id, err := generate(deps, addr)
	if err != nil {
		return nil, fmt.Errorf("new identity: %w", err)
	}
	if err := id.sealBundle(deps.Millis(), nil); err != nil {
		return nil, fmt.Errorf("new identity: %w", err)
	}
	return id, nil
}

// Rotate makes new keys for the same account and a bundle linked to this
// one: prev names this identity's sign key and carries its signature. The
// new bundle's created is deps.Millis(), or one millisecond after this
// bundle's when the clock has not moved on, so the chain stays strictly
// increasing.
func (id *Identity) Rotate(deps wire.Deps) (*Identity, error) {
	next, err := generate(deps, id.addr)
	if err != nil {
		return nil, fmt.Errorf("rotate keys: %w", err)
	}
	created := max(deps.Millis(), id.bundle.Created+1)
	if err := next.sealBundle(created, id.sign); err != nil {
		return nil, fmt.Errorf("rotate keys: %w", err)
	}
	return next, nil
}

// generate reads the two private keys from deps.Rand.
func generate(deps wire.Deps, addr address.Address) (*Identity, error) {
	seed, err := deps.Read(ed25519.SeedSize)
	if err != nil {
		return nil, fmt.Errorf("read sign key seed: %w", err)
	}
	box, err := deps.Read(curve25519.ScalarSize)
	if err != nil {
		return nil, fmt.Errorf("read box key: %w", err)
	}
	return fromSeeds(addr, seed, box)
}

// fromSeeds derives an identity (without bundle) from its private material.
func fromSeeds(addr address.Address, seed, box []byte) (*Identity, error) {
	if len(seed) != ed25519.SeedSize || len(box) != curve25519.ScalarSize {
		return nil, wire.Errorf(wire.BadKey, "", "private keys must be %d and %d bytes", ed25519.SeedSize, curve25519.ScalarSize)
	}
	id := &Identity{addr: addr, sign: ed25519.NewKeyFromSeed(seed)}
	copy(id.boxPriv[:], box)
	pub, err := curve25519.X25519(id.boxPriv[:], curve25519.Basepoint)
	if err != nil {
		return nil, wire.Wrap(wire.BadKey, "box_key", err)
	}
	copy(id.boxPub[:], pub)
	return id, nil
}

// sealBundle builds and signs the identity's bundle; prevKey, when not nil,
// is the previous sign key, which signs the prev link.
func (id *Identity) sealBundle(created wire.Millis, prevKey ed25519.PrivateKey) error {
	b := Bundle{
		Address: id.addr,
		SignKey: wire.Bytes(id.sign.Public().(ed25519.PublicKey)),
		BoxKey:  bytes.Clone(id.boxPub[:]),
		Created: created,
	}
	if prevKey != nil {
		b.Prev = &PrevLink{SignKey: wire.Bytes(prevKey.Public().(ed25519.PublicKey))}
		sig, err := signing.SignField(b, prevKey, prevSigPath...)
		if err != nil {
			return fmt.Errorf("sign prev link: %w", err)
		}
		b.Prev.Sig = sig
	}
	sig, err := signing.Sign(b, id.sign)
	if err != nil {
		return fmt.Errorf("sign bundle: %w", err)
	}
	b.Sig = sig
	id.bundle = b
	return nil
}

// Address returns the account's address.
func (id *Identity) Address() address.Address { return id.addr }

// SignKey returns the Ed25519 private key, for signing inner messages,
// login proofs and notices.
func (id *Identity) SignKey() ed25519.PrivateKey { return bytes.Clone(id.sign) }

// BoxPrivate returns a copy of the X25519 private key, for opening sealed
// content keys.
func (id *Identity) BoxPrivate() *[32]byte { k := id.boxPriv; return &k }

// BoxPublic returns a copy of the X25519 public key.
func (id *Identity) BoxPublic() *[32]byte { k := id.boxPub; return &k }

// Bundle returns (a copy of) the identity's current signed bundle.
func (id *Identity) Bundle() Bundle { return id.bundle.clone() }
