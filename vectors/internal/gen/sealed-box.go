package main

import (
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

func genSealedBox() (*vectors.File, error) {
	b := newFile(vectors.SealedBox, "libsodium sealed box (crypto_box_seal)", []string{
		"Sealed boxes wrap the 32-byte content key of an envelope for each recipient.",
		"sealed = eph_pk || crypto_box(msg, nonce, recipient_pk, eph_sk) with nonce = BLAKE2b-24(eph_pk || recipient_pk)",
		"(X25519, HSalsa20, XSalsa20-Poly1305): 48 bytes longer than msg.",
		"SealedBox groups give the recipient key pair. A valid test opens to msg and, sealed again with the",
		"given ephemeralPrivateKey, gives exactly sealed. An invalid test must not open (decrypt_failed).",
		"SealedBoxSeal groups give a recipient public key that must be refused before sealing (bad_key).",
	}, map[string]string{
		"LowOrderPoint": "An X25519 key of small order: the shared secret is all zeros, so anyone could read the box.",
		"Truncated":     "The sealed box lost bytes; shorter than 48 bytes it cannot even hold eph_pk and the tag.",
		"WrongNonce":    "The box was made with a nonce other than BLAKE2b-24(eph_pk || recipient_pk).",
		"WrongLength":   "A key of the wrong length.",
	})
	rk := newBoxKey("sealed-box/recipient")
	g := b.group("SealedBox", "an ordinary recipient key pair", fields{"recipientPrivateKey": b64(rk.priv), "recipientPublicKey": b64(rk.pub)})
	msgs := []struct {
		comment string
		msg     []byte
	}{
		{"a 32-byte content key, as in every envelope", det("sealed-box/msg-32", 32)},
		{"an empty message (48-byte box)", nil},
		{"one byte", []byte{0x2a}},
		{"100 bytes", det("sealed-box/msg-100", 100)},
		{"a second 32-byte content key with another ephemeral key", det("sealed-box/msg-32b", 32)},
	}
	var key, keySealed []byte
	for i, m := range msgs {
		eph := newBoxKey(fmt.Sprintf("sealed-box/eph-%d", i))
		sealed := sealWith(m.msg, rk.pub, eph.priv)
		if i == 0 {
			key, keySealed = m.msg, sealed
		}
		g.valid(m.comment, fields{
			"msg": b64(m.msg), "ephemeralPrivateKey": b64(eph.priv), "ephemeralPublicKey": b64(eph.pub),
			"nonce": b64(sealNonce(eph.pub, rk.pub)[:]), "sealed": b64(sealed),
		})
	}
	other := newBoxKey("sealed-box/other")
	eph := newBoxKey("sealed-box/eph-bad")
	swapped := sealNonce(rk.pub, eph.pub)
	badNonce := boxWithNonce(key, rk.pub, eph, swapped[:])
	bad := []struct {
		comment string
		sealed  []byte
		flags   []string
	}{
		{"a bit of the ephemeral public key flipped", flip(keySealed, 5, 2), nil},
		{"a bit of the Poly1305 tag flipped", flip(keySealed, 40, 0), nil},
		{"a bit of the ciphertext flipped", flip(keySealed, 60, 7), nil},
		{"the last byte removed", keySealed[:len(keySealed)-1], []string{"Truncated"}},
		{"47 bytes: shorter than eph_pk and tag", keySealed[:47], []string{"Truncated"}},
		{"only the ephemeral public key", keySealed[:32], []string{"Truncated"}},
		{"empty", nil, []string{"Truncated"}},
		{"one extra byte appended", append(append([]byte{}, keySealed...), 0), nil},
		{"sealed to another recipient", sealWith(key, other.pub, eph.priv), nil},
		{"nonce BLAKE2b-24(recipient_pk || eph_pk), the inputs swapped", badNonce, []string{"WrongNonce"}},
		{"nonce all zeros", boxWithNonce(key, rk.pub, eph, make([]byte, 24)), []string{"WrongNonce"}},
	}
	for _, c := range bad {
		g.invalid(wire.DecryptFailed, c.comment, fields{"sealed": b64(c.sealed)}, c.flags...)
	}
	for i := range lowOrderPoints {
		p, err := lowOrder(i)
		if err != nil {
			return nil, err
		}
		forged := sealWithShared(key, p, rk.pub, make([]byte, 32))
		g.invalid(wire.DecryptFailed, "ephemeral key "+lowOrderPoints[i].name+", box made with the all-zero shared secret", fields{"sealed": b64(forged)}, "LowOrderPoint")
	}
	for i := range lowOrderPoints {
		p, _ := lowOrder(i)
		sg := b.group("SealedBoxSeal", "recipient public key "+lowOrderPoints[i].name, fields{"recipientPublicKey": b64(p)})
		sg.invalid(wire.BadKey, "sealing to a low-order key must be refused", fields{"msg": b64(key), "ephemeralPrivateKey": b64(eph.priv)}, "LowOrderPoint")
	}
	for _, n := range []int{31, 33} {
		pk := append(append([]byte{}, rk.pub...), 9)[:n]
		sg := b.group("SealedBoxSeal", fmt.Sprintf("recipient public key of %d bytes", n), fields{"recipientPublicKey": b64(pk)})
		sg.invalid(wire.BadKey, fmt.Sprintf("a %d-byte recipient key must be refused", n), fields{"msg": b64(key), "ephemeralPrivateKey": b64(eph.priv)}, "WrongLength")
	}
	return b.done()
}

// boxWithNonce is a sealed box made with an arbitrary nonce instead of the
// BLAKE2b one.
func boxWithNonce(msg, recipientPub []byte, eph boxKey, nonce []byte) []byte {
	shared, err := x25519(eph.priv, recipientPub)
	if err != nil {
		panic(err)
	}
	return sealWithSharedNonce(msg, eph.pub, shared, nonce)
}
