package account

import (
	"crypto/ed25519"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// This file holds what the four signed account objects share: signing a Go
// value, remembering its encoding, and verifying the encoding.

// signObject signs the object fields() with key, stores the signature in
// *sig and returns the object's canonical encoding, signature included.
func signObject(fields func() any, sig *wire.Bytes, key ed25519.PrivateKey) ([]byte, error) {
	*sig = nil
	s, err := signing.Sign(fields(), key)
	if err != nil {
		return nil, err
	}
	*sig = s
	return canonical.Marshal(fields())
}

// encoding returns raw when the object remembers its bytes, or else the
// canonical encoding of fields().
func encoding(raw []byte, fields func() any) ([]byte, error) {
	if raw != nil {
		return raw, nil
	}
	return canonical.Marshal(fields())
}

// verifyObject checks the top-level signature of o's encoding with pub.
func verifyObject(o interface{ Bytes() ([]byte, error) }, pub ed25519.PublicKey) error {
	raw, err := o.Bytes()
	if err != nil {
		return err
	}
	return signing.Verify(raw, pub)
}

// checkDomain requires a domain in canonical form (bad_address otherwise).
func checkDomain(field, s string) error {
	if d, err := address.ParseDomain(s); err != nil || d != s {
		return wire.Errorf(wire.BadAddress, field, "%q is not a canonical domain", s)
	}
	return nil
}

// checkAddress requires a non-zero address (bad_address otherwise).
func checkAddress(field string, a address.Address) error {
	if a.IsZero() {
		return wire.Errorf(wire.BadAddress, field, "address is required")
	}
	return nil
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }
