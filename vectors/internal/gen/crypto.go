package main

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"

	"github.com/gowebpki/jcs"
	"golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/curve25519"
	"golang.org/x/crypto/nacl/box"
	//lint:ignore SA1019 crypto_box derives its key with HSalsa20, which only this package exports
	"golang.org/x/crypto/salsa20/salsa"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// The generator builds every object from the primitives (x/crypto, the
// standard library's Ed25519, gowebpki/jcs) rather than from the reference
// library, so the vectors are a second, independent implementation that the
// reference library is then checked against.

// det returns n bytes of the seeded stream named label. Each label is its own
// stream, so adding a case never changes the bytes of another.
func det(label string, n int) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(wire.NewSeededReader("emsg-vectors/"+label), b); err != nil {
		panic(err) // a key stream never fails
	}
	return b
}

// b64 is the wire encoding of binary values.
func b64(b []byte) string { return wire.EncodeBytes(b) }

// signer is an Ed25519 key pair derived from a 32-byte seed.
type signer struct {
	seed []byte
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
}

func newSigner(label string) signer {
	seed := det(label, ed25519.SeedSize)
	priv := ed25519.NewKeyFromSeed(seed)
	return signer{seed: seed, priv: priv, pub: priv.Public().(ed25519.PublicKey)}
}

func (s signer) sign(msg []byte) []byte { return ed25519.Sign(s.priv, msg) }

// boxKey is an X25519 key pair; priv is the 32 raw bytes (X25519 clamps).
type boxKey struct{ priv, pub []byte }

func newBoxKey(label string) boxKey { return boxKeyFrom(det(label, 32)) }

func boxKeyFrom(priv []byte) boxKey {
	pub, err := curve25519.X25519(priv, curve25519.Basepoint)
	if err != nil {
		panic(err) // the base point never gives a low-order result
	}
	return boxKey{priv: priv, pub: pub}
}

// sealNonce is the sealed-box nonce: BLAKE2b-24(ephemeral pk || recipient pk).
func sealNonce(ephPub, recipientPub []byte) *[24]byte {
	h, err := blake2b.New(24, nil)
	if err != nil {
		panic(err)
	}
	h.Write(ephPub)
	h.Write(recipientPub)
	var n [24]byte
	copy(n[:], h.Sum(nil))
	return &n
}

// sealWith is libsodium's crypto_box_seal with the ephemeral secret key given:
// eph_pk || crypto_box(msg, nonce, recipient_pk, eph_sk).
func sealWith(msg, recipientPub, ephPriv []byte) []byte {
	eph := boxKeyFrom(ephPriv)
	var peer, sk [32]byte
	copy(peer[:], recipientPub)
	copy(sk[:], ephPriv)
	return box.Seal(append([]byte{}, eph.pub...), msg, sealNonce(eph.pub, recipientPub), &peer, &sk)
}

// sealWithShared builds a sealed box from an explicit X25519 shared secret,
// used to forge boxes whose ephemeral key is a low-order point (shared
// secret all zeros) that an implementation without the low-order check
// would open.
func sealWithShared(msg, ephPub, recipientPub, shared []byte) []byte {
	return sealWithSharedNonce(msg, ephPub, shared, sealNonce(ephPub, recipientPub)[:])
}

// sealWithSharedNonce is eph_pk || XSalsa20-Poly1305 under HSalsa20(shared)
// with an explicit nonce.
func sealWithSharedNonce(msg, ephPub, shared, nonce []byte) []byte {
	var k, in [32]byte
	var zeros [16]byte
	copy(in[:], shared)
	salsa.HSalsa20(&k, &zeros, &in, &salsa.Sigma) // what box.Precompute does after X25519
	return box.SealAfterPrecomputation(append([]byte{}, ephPub...), msg, (*[24]byte)(nonce), &k)
}

// x25519 is the X25519 function, refusing low-order points.
func x25519(priv, pub []byte) ([]byte, error) { return curve25519.X25519(priv, pub) }

// canon returns the RFC 8785 canonical form of v.
func canon(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("canon: %v", err))
	}
	out, err := jcs.Transform(data)
	if err != nil {
		panic(fmt.Sprintf("canon: %v", err))
	}
	return out
}

// object is a protocol object under construction.
type object = map[string]any

// without returns a shallow copy of o without the named members.
func without(o object, names ...string) object {
	c := make(object, len(o))
	for k, v := range o {
		c[k] = v
	}
	for _, n := range names {
		delete(c, n)
	}
	return c
}

// with returns a shallow copy of o with member k set to v.
func with(o object, k string, v any) object {
	c := without(o)
	c[k] = v
	return c
}

// signed returns o with "sig" set to s's signature over JCS(o minus sig).
func signed(o object, s signer) object {
	return with(o, "sig", b64(s.sign(canon(without(o, "sig")))))
}
