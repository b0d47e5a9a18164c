package envelope

import (
	"crypto/ecdh"
	"errors"

	"golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/nacl/secretbox"
	//lint:ignore SA1019 crypto_box derives its key with HSalsa20, which only this package exports
	"golang.org/x/crypto/salsa20/salsa"
)

// This file is libsodium's crypto_box_seal, which wraps the content key
// for each reader:
//
//	eph_sk       ephemeral X25519 secret (from deps.Rand, or given to SealWith)
//	eph_pk       = X25519(eph_sk, 9)
//	nonce        = BLAKE2b-192(eph_pk || recipient_pk)
//	shared       = HSalsa20(X25519(eph_sk, recipient_pk), 0^16)
//	sealed box   = eph_pk || XSalsa20-Poly1305(shared, nonce, content key)
//
// The output is byte for byte what golang.org/x/crypto/nacl/box's
// SealAnonymous and libsodium produce for the same ephemeral secret (the
// tests check it). It is written on crypto/ecdh directly because box's
// helpers compute the ephemeral public key twice (crypto/ecdh derives a
// public key whenever a private key is loaded), and because a low-order
// recipient key must fail, as in libsodium, instead of silently producing
// a box anyone can open.

var x25519 = ecdh.X25519()

// errLowOrder is returned for a recipient or ephemeral public key that is a
// low-order point, where X25519 yields the all-zero secret.
var errLowOrder = errors.New("low-order X25519 public key")

// sealKey appends the sealed box of msg for recipient, made with the
// ephemeral secret eph.
func sealKey(dst, msg []byte, recipient, eph *[32]byte) ([]byte, error) {
	ephKey, err := x25519.NewPrivateKey(eph[:])
	if err != nil {
		return nil, err
	}
	peer, err := x25519.NewPublicKey(recipient[:])
	if err != nil {
		return nil, err
	}
	shared, err := ephKey.ECDH(peer)
	if err != nil {
		return nil, errLowOrder
	}
	ephPub := ephKey.PublicKey().Bytes()
	nonce, key := boxParams(shared, ephPub, recipient[:])
	dst = append(dst, ephPub...)
	return secretbox.Seal(dst, msg, &nonce, &key), nil
}

// boxKey is a reader's X25519 key pair loaded once, so that opening many
// sealed boxes costs one scalar multiplication each.
type boxKey struct {
	priv *ecdh.PrivateKey
	pub  []byte
}

func newBoxKey(secret *[32]byte) (*boxKey, error) {
	priv, err := x25519.NewPrivateKey(secret[:])
	if err != nil {
		return nil, err
	}
	return &boxKey{priv: priv, pub: priv.PublicKey().Bytes()}, nil
}

// open returns the message in a sealed box for k, or false when the box
// does not authenticate.
func (k *boxKey) open(box []byte) ([]byte, bool) {
	if len(box) < 32+secretbox.Overhead {
		return nil, false
	}
	ephPub, err := x25519.NewPublicKey(box[:32])
	if err != nil {
		return nil, false
	}
	shared, err := k.priv.ECDH(ephPub)
	if err != nil {
		return nil, false
	}
	nonce, key := boxParams(shared, box[:32], k.pub)
	return secretbox.Open(nil, box[32:], &nonce, &key)
}

// boxParams derives the sealed box nonce and the crypto_box key
// (HSalsa20 of the X25519 shared secret).
func boxParams(shared, ephPub, recipientPub []byte) (nonce [24]byte, key [32]byte) {
	h, _ := blake2b.New(24, nil) // 24 is a valid size and there is no key: never fails
	h.Write(ephPub)
	h.Write(recipientPub)
	h.Sum(nonce[:0])
	var zeros [16]byte
	copy(key[:], shared)
	salsa.HSalsa20(&key, &zeros, &key, &salsa.Sigma)
	return nonce, key
}
