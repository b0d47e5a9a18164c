package main

import (
	"crypto/sha512"
	"fmt"
	"math/big"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// ed25519L is the order of the Ed25519 base point, 2^252 + 27742317777372353535851937790883648493.
var ed25519L = func() *big.Int {
	c, _ := new(big.Int).SetString("27742317777372353535851937790883648493", 10)
	return c.Add(c, new(big.Int).Lsh(big.NewInt(1), 252))
}()

var (
	// identityPoint is the canonical encoding of the neutral element (y = 1),
	// a point of small order.
	identityPoint = append([]byte{1}, make([]byte, 31)...)
	// identityNonCanonical encodes y = p + 1 ≡ 1: the neutral element again,
	// with a y coordinate that is not reduced mod p.
	identityNonCanonical = append(append([]byte{0xee}, bytesOf(0xff, 30)...), 0x7f)
)

func bytesOf(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

// leInt reads a little-endian integer.
func leInt(b []byte) *big.Int {
	be := make([]byte, len(b))
	for i := range b {
		be[len(b)-1-i] = b[i]
	}
	return new(big.Int).SetBytes(be)
}

// le32 writes n as 32 little-endian bytes.
func le32(n *big.Int) []byte {
	be := n.FillBytes(make([]byte, 32))
	out := make([]byte, 32)
	for i := range be {
		out[31-i] = be[i]
	}
	return out
}

// scalarOf returns the clamped secret scalar a of an Ed25519 seed.
func scalarOf(seed []byte) *big.Int {
	h := sha512.Sum512(seed)
	h[0] &= 248
	h[31] &= 127
	h[31] |= 64
	return leInt(h[:32])
}

// forgeWithR returns the signature (R, s) with s = k·a mod L for the given R
// encoding, k = SHA-512(R || A || msg) mod L. [s]B - [k]A is then the neutral
// element, so the signature verifies (cofactorless) exactly when R encodes
// the neutral element canonically.
func forgeWithR(s signer, r, msg []byte) []byte {
	h := sha512.New()
	h.Write(r)
	h.Write(s.pub)
	h.Write(msg)
	k := new(big.Int).Mod(leInt(h.Sum(nil)), ed25519L)
	sc := new(big.Int).Mod(new(big.Int).Mul(k, scalarOf(s.seed)), ed25519L)
	return append(append([]byte{}, r...), le32(sc)...)
}

// flip returns a copy of b with bit (i*8 + bit) inverted.
func flip(b []byte, i int, bit uint) []byte {
	c := append([]byte{}, b...)
	c[i] ^= 1 << bit
	return c
}

func genEd25519() (*vectors.File, error) {
	b := newFile(vectors.Ed25519, "Ed25519 (RFC 8032, pure)", []string{
		"Ed25519 signature verification as EMSG/1 uses it (every sig field of every object).",
		"A group gives the public key and, when known, its 32-byte seed; sig is deterministic, so signing",
		"msg with the seed reproduces sig exactly for every valid test.",
		"Public keys of the wrong length fail with bad_key; every other failure is bad_signature",
		"(signatures of the wrong length, s >= L, non-canonical R, a signature that does not verify).",
		"Acceptable tests use small-order or non-canonically encoded points: RFC 8032 cofactorless",
		"verifiers (Go crypto/ed25519) accept them, libsodium rejects them; EMSG keys are never such points.",
	}, map[string]string{
		"SignatureMalleability": "s is not reduced mod L (s + L): a malleated copy of a valid signature.",
		"NonCanonicalR":         "R is a non-canonical encoding (y >= p) of a point; the recomputed R never matches it.",
		"SmallOrderR":           "R is a point of small order; libsodium rejects such R, cofactorless verifiers may accept.",
		"SmallOrderPublicKey":   "The public key is a point of small order; libsodium rejects it, Go accepts.",
		"NonCanonicalPublicKey": "The public key encodes y >= p; libsodium rejects it, Go decodes it mod p.",
		"WrongLength":           "A key or signature of the wrong length.",
		"Truncated":             "The signature lost bytes at the end.",
	})
	k := newSigner("ed25519/key-1")
	other := newSigner("ed25519/key-2")
	g := b.group("Ed25519Verify", "an ordinary key with its seed", fields{"seed": b64(k.seed), "publicKey": b64(k.pub)})
	obj := canon(object{"type": "example", "text": "hi", "n": 1})
	msgs := []struct {
		comment string
		msg     []byte
	}{
		{"empty message", nil},
		{"one byte", []byte{0x72}},
		{"the JCS bytes of a small object", obj},
		{"64 bytes", det("ed25519/msg-64", 64)},
		{"1000 bytes", det("ed25519/msg-1000", 1000)},
	}
	for _, m := range msgs {
		g.valid(m.comment, fields{"msg": b64(m.msg), "sig": b64(k.sign(m.msg))})
	}
	sig := k.sign(obj)
	s := new(big.Int).Add(leInt(sig[32:]), ed25519L)
	bad := []struct {
		comment string
		msg     []byte
		sig     []byte
		flags   []string
	}{
		{"a bit of R flipped", obj, flip(sig, 0, 0), nil},
		{"a bit of s flipped", obj, flip(sig, 40, 3), nil},
		{"the top bit of s set", obj, flip(sig, 63, 7), nil},
		{"s + L: the same signature, malleated", obj, append(append([]byte{}, sig[:32]...), le32(s)...), []string{"SignatureMalleability"}},
		{"the message has one bit flipped", flip(obj, 3, 1), sig, nil},
		{"the message has one extra byte", append(append([]byte{}, obj...), ' '), sig, nil},
		{"the message is empty", nil, sig, nil},
		{"a valid signature by another key", obj, other.sign(obj), nil},
		{"all-zero signature", obj, make([]byte, 64), nil},
		{"signature of 63 bytes", obj, sig[:63], []string{"WrongLength", "Truncated"}},
		{"signature of 65 bytes", obj, append(append([]byte{}, sig...), 0), []string{"WrongLength"}},
		{"signature of 32 bytes (only R)", obj, sig[:32], []string{"WrongLength", "Truncated"}},
		{"empty signature", obj, nil, []string{"WrongLength"}},
		{"R and s swapped", obj, append(append([]byte{}, sig[32:]...), sig[:32]...), nil},
		{"R is the neutral element encoded non-canonically (y = p + 1)", obj, forgeWithR(k, identityNonCanonical, obj), []string{"NonCanonicalR"}},
	}
	for _, c := range bad {
		g.invalid(wire.BadSignature, c.comment, fields{"msg": b64(c.msg), "sig": b64(c.sig)}, c.flags...)
	}
	g.acceptable(wire.BadSignature, "R is the neutral element (small order), s = k·a", fields{"msg": b64(obj), "sig": b64(forgeWithR(k, identityPoint, obj))}, "SmallOrderR")

	msg := []byte("EMSG/1")
	zeroSig := append(append([]byte{}, identityPoint...), make([]byte, 32)...)
	sg := b.group("Ed25519Verify", "the neutral element as public key (no seed exists)", fields{"publicKey": b64(identityPoint)})
	sg.acceptable(wire.BadSignature, "R = neutral element, s = 0 verifies under cofactorless rules", fields{"msg": b64(msg), "sig": b64(zeroSig)}, "SmallOrderPublicKey", "SmallOrderR")
	ng := b.group("Ed25519Verify", "the neutral element encoded with y = p + 1 as public key", fields{"publicKey": b64(identityNonCanonical)})
	ng.acceptable(wire.BadSignature, "non-canonical small-order public key, R = neutral element, s = 0", fields{"msg": b64(msg), "sig": b64(zeroSig)}, "NonCanonicalPublicKey", "SmallOrderPublicKey", "SmallOrderR")

	for _, n := range []int{31, 33, 0} {
		pub := append(append([]byte{}, k.pub...), 0)[:n]
		wg := b.group("Ed25519Verify", fmt.Sprintf("a public key of %d bytes", n), fields{"publicKey": b64(pub)})
		wg.invalid(wire.BadKey, fmt.Sprintf("public key of %d bytes (the ordinary key, cut or extended)", n), fields{"msg": b64(obj), "sig": b64(sig)}, "WrongLength")
	}
	return b.done()
}
