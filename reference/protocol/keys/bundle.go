package keys

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"

	"golang.org/x/crypto/curve25519"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/strict"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Bundle is an account's public key bundle. Clients publish it when they
// register or rotate keys, servers store and serve every bundle of an
// account, and senders read the box key to encrypt and the sign key to
// check signatures. Obtain one from [ParseBundle] or [Identity.Bundle].
type Bundle struct {
	Address address.Address `json:"address"`        // the account the keys belong to
	SignKey wire.Bytes      `json:"sign_key"`       // Ed25519 public key, 32 bytes
	BoxKey  wire.Bytes      `json:"box_key"`        // X25519 public key, 32 bytes
	Created wire.Millis     `json:"created"`        // when the keys were made
	Prev    *PrevLink       `json:"prev,omitempty"` // the previous key, on rotation only
	Sig     wire.Bytes      `json:"sig"`            // by SignKey over the rest
}

// PrevLink ties a rotated bundle to the account's previous signing key:
// Sig is made by SignKey (the old key) over the new bundle without its
// top-level sig and without this Sig.
type PrevLink struct {
	SignKey wire.Bytes `json:"sign_key"` // the previous bundle's sign key
	Sig     wire.Bytes `json:"sig"`      // by the previous key
}

// prevSigPath is the member path of the old key's signature in a rotated bundle.
var prevSigPath = []string{"prev", "sig"}

// ParseBundle decodes a received bundle strictly (closed objects, no null,
// every member present, canonical address) and verifies it over raw, the
// bytes as received.
func ParseBundle(raw []byte) (Bundle, error) {
	b, err := decodeBundle(raw)
	if err != nil {
		return Bundle{}, fmt.Errorf("parse bundle: %w", err)
	}
	if err := b.verify(raw); err != nil {
		return Bundle{}, fmt.Errorf("parse bundle: %w", err)
	}
	return b, nil
}

// UnmarshalJSON is [ParseBundle], so a Bundle inside a larger object (a
// contact request, an export) is checked as it is decoded.
func (b *Bundle) UnmarshalJSON(raw []byte) error {
	p, err := ParseBundle(raw)
	if err != nil {
		return err
	}
	*b = p
	return nil
}

// Verify checks a bundle held in memory: its address, key lengths, box key,
// self-signature and prev link. It verifies the bundle's encoding, which for
// a bundle from [ParseBundle] has the same signing input as the received
// bytes (the decoder admits no other form).
func (b Bundle) Verify() error {
	if err := b.checkKeys(); err != nil {
		return fmt.Errorf("verify bundle: %w", err)
	}
	raw, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("verify bundle: %w", err)
	}
	if err := b.verify(raw); err != nil {
		return fmt.Errorf("verify bundle: %w", err)
	}
	return nil
}

// verify checks b, whose JSON form (as received, or as encoded) is raw.
func (b Bundle) verify(raw []byte) error {
	if err := b.checkKeys(); err != nil {
		return err
	}
	if err := signing.Verify(raw, ed25519.PublicKey(b.SignKey)); err != nil {
		return err
	}
	if b.Prev == nil {
		return nil
	}
	if err := signing.VerifyField(raw, ed25519.PublicKey(b.Prev.SignKey), prevSigPath...); err != nil {
		if wire.DefectOf(err) == wire.BadSignature {
			return wire.Wrap(wire.BadChain, "/prev/sig", err)
		}
		return err
	}
	return nil
}

// checkKeys applies the rules that need no signature check.
func (b Bundle) checkKeys() error {
	if err := checkAddress(b.Address); err != nil {
		return err
	}
	if b.Created <= 0 || b.Created > wire.MaxSafeInteger {
		return wire.Errorf(wire.Malformed, "/created", "created %d is not a positive safe integer", b.Created)
	}
	if _, err := b.SignKey.Fixed("/sign_key", ed25519.PublicKeySize); err != nil {
		return err
	}
	if err := checkBoxKey(b.BoxKey); err != nil {
		return err
	}
	if b.Prev == nil {
		return nil
	}
	if _, err := b.Prev.SignKey.Fixed("/prev/sign_key", ed25519.PublicKeySize); err != nil {
		return err
	}
	if bytes.Equal(b.Prev.SignKey, b.SignKey) {
		return wire.Errorf(wire.BadChain, "/prev/sign_key", "a rotation must change the sign key")
	}
	return nil
}

// checkAddress requires a parsed, canonical address: a signed object
// carries the lower-case form, so re-encoding never changes what was signed.
func checkAddress(a address.Address) error {
	if a.IsZero() {
		return wire.Errorf(wire.Malformed, "/address", "address is missing")
	}
	_, err := address.ParseCanonical(a.String())
	return strict.At("/address", err)
}

// lowOrderProbe is any scalar: X25519 of a low-order point is all zeros for
// every (clamped) scalar, which curve25519.X25519 reports as an error.
var lowOrderProbe = bytes.Repeat([]byte{0x42}, curve25519.ScalarSize)

// checkBoxKey requires a 32-byte X25519 key that is not a low-order point
// (with which every shared secret would be all zeros).
func checkBoxKey(k wire.Bytes) error {
	if _, err := k.Fixed("/box_key", curve25519.PointSize); err != nil {
		return err
	}
	if _, err := curve25519.X25519(lowOrderProbe, k); err != nil {
		return wire.Errorf(wire.BadKey, "/box_key", "box key is a low-order point")
	}
	return nil
}

// SignPublic returns the Ed25519 public key, for checking the account's
// signatures. It is nil when the key is not 32 bytes (an unverified bundle).
func (b Bundle) SignPublic() ed25519.PublicKey {
	if len(b.SignKey) != ed25519.PublicKeySize {
		return nil
	}
	return bytes.Clone(b.SignKey)
}

// BoxPublic returns the X25519 public key, for sealing content keys to the
// account. It is nil when the key is not 32 bytes (an unverified bundle).
func (b Bundle) BoxPublic() *[32]byte {
	if len(b.BoxKey) != 32 {
		return nil
	}
	return (*[32]byte)(bytes.Clone(b.BoxKey))
}

// Canonical returns the bundle's RFC 8785 canonical JSON form.
func (b Bundle) Canonical() ([]byte, error) { return canonical.Marshal(b) }

// clone returns a deep copy, so callers cannot alter an identity's bundle.
func (b Bundle) clone() Bundle {
	c := b
	c.SignKey, c.BoxKey, c.Sig = bytes.Clone(b.SignKey), bytes.Clone(b.BoxKey), bytes.Clone(b.Sig)
	if b.Prev != nil {
		c.Prev = &PrevLink{SignKey: bytes.Clone(b.Prev.SignKey), Sig: bytes.Clone(b.Prev.Sig)}
	}
	return c
}
