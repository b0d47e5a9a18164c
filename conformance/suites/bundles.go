package suites

import (
	"crypto/ed25519"
	"math/big"

	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// b64 is strict unpadded base64url.
func b64(b []byte) string { return wire.EncodeBytes(b) }

// unb64 decodes strict unpadded base64url.
func unb64(s string) []byte {
	b, err := wire.DecodeBytes(s)
	Expect(err).NotTo(HaveOccurred())
	return b
}

// flipLast changes the last byte of a base64url value, keeping its length.
func flipLast(s string) string {
	b := unb64(s)
	b[len(b)-1] ^= 0x01
	return b64(b)
}

// groupOrder is L, the order of the Ed25519 base point (RFC 8032).
var groupOrder, _ = new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)

// addL returns the signature with L added to its S half: the same point
// equation holds, but S is no longer canonical (RFC 8032 §5.1.7).
func addL(sig []byte) []byte {
	s := make([]byte, 32)
	for i := range 32 { // little-endian to big-endian
		s[i] = sig[63-i]
	}
	n := new(big.Int).Add(new(big.Int).SetBytes(s), groupOrder)
	be := n.FillBytes(make([]byte, 32))
	out := append([]byte{}, sig[:32]...)
	for i := range 32 {
		out = append(out, be[31-i])
	}
	return out
}

// bundleEditor edits a bundle as a JSON object and can sign it again.
type bundleEditor struct {
	m   map[string]any
	key ed25519.PrivateKey
}

// resign signs the edited object with the bundle's key.
func (b bundleEditor) resign() {
	delete(b.m, "sig")
	sig, err := signing.Sign(b.m, b.key)
	Expect(err).NotTo(HaveOccurred())
	b.m["sig"] = b64(sig)
}
