package signing

import (
	"crypto/ed25519"

	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// The helpers below serve the signed objects of the protocol library
// (tickets, session proofs, login proofs, exports, notices): each keeps the
// bytes it was made or received as, because a signature covers those bytes
// and re-encoding must never be trusted to reproduce them.

// SignObject signs the object fields() with key, stores the signature in
// *sig and returns the object's canonical encoding, signature included: the
// bytes to send and to remember. fields is called again after *sig is set,
// so it must read the signature from *sig.
func SignObject(fields func() any, sig *wire.Bytes, key ed25519.PrivateKey) ([]byte, error) {
	*sig = nil
	s, err := Sign(fields(), key)
	if err != nil {
		return nil, err
	}
	*sig = s
	return canonical.Marshal(fields())
}

// Encoding returns raw when the object remembers its bytes, or else the
// canonical encoding of fields() (an object built by hand).
func Encoding(raw []byte, fields func() any) ([]byte, error) {
	if raw != nil {
		return raw, nil
	}
	return canonical.Marshal(fields())
}

// VerifyEncoded checks the top-level signature of an object's encoding
// (its Bytes) with pub.
func VerifyEncoded(o interface{ Bytes() ([]byte, error) }, pub ed25519.PublicKey) error {
	raw, err := o.Bytes()
	if err != nil {
		return err
	}
	return Verify(raw, pub)
}
