package main

import (
	"encoding/hex"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// xSeal is XChaCha20-Poly1305 encryption.
func xSeal(key, nonce, msg, aad []byte) []byte {
	a, err := chacha20poly1305.NewX(key)
	if err != nil {
		panic(err)
	}
	return a.Seal(nil, nonce, msg, aad)
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func genXChaCha() (*vectors.File, error) {
	b := newFile(vectors.XChaCha20Poly1305, "XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha)", []string{
		"The AEAD that encrypts an envelope payload under its 32-byte content key.",
		"ct is the ciphertext followed by the 16-byte Poly1305 tag. EMSG always uses an empty aad and sends",
		"nonce || ct as the payload; other aad values are here to test the primitive.",
		"A valid test encrypts msg to exactly ct and decrypts ct to msg; an invalid test must not decrypt",
		"(decrypt_failed), or, for a key of the wrong length, is refused (bad_key).",
	}, map[string]string{
		"Draft":       "The test vector of draft-irtf-cfrg-xchacha-03, appendix A.3.1.",
		"Truncated":   "The ciphertext lost bytes; shorter than 16 bytes it cannot hold the tag.",
		"WrongLength": "A key of the wrong length.",
	})
	dk := mustHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f")
	dn := mustHex("404142434445464748494a4b4c4d4e4f5051525354555657")
	daad := mustHex("50515253c0c1c2c3c4c5c6c7")
	dmsg := []byte("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.")
	dg := b.group("XChaCha20Poly1305", "the draft's key", fields{"key": b64(dk)})
	dg.valid("draft-irtf-cfrg-xchacha-03 A.3.1", fields{"nonce": b64(dn), "aad": b64(daad), "msg": b64(dmsg), "ct": b64(xSeal(dk, dn, dmsg, daad))}, "Draft")

	key := det("xchacha/key", 32)
	g := b.group("XChaCha20Poly1305", "a content key as EMSG draws it", fields{"key": b64(key)})
	inner := canon(object{"v": 1, "body": object{"type": "text", "text": "hi"}})
	msgs := []struct {
		comment string
		msg     []byte
		aad     []byte
	}{
		{"an inner message, empty aad (the EMSG use)", inner, nil},
		{"empty message, empty aad: only the tag", nil, nil},
		{"one byte", []byte{0}, nil},
		{"64 bytes (one ChaCha20 block)", det("xchacha/msg-64", 64), nil},
		{"65 bytes (one block and a byte)", det("xchacha/msg-65", 65), nil},
		{"1000 bytes", det("xchacha/msg-1000", 1000), nil},
		{"with additional data", inner, []byte("aad")},
	}
	for i, m := range msgs {
		n := det(fmt.Sprintf("xchacha/nonce-%d", i), 24)
		g.valid(m.comment, fields{"nonce": b64(n), "aad": b64(m.aad), "msg": b64(m.msg), "ct": b64(xSeal(key, n, m.msg, m.aad))})
	}
	n := det("xchacha/nonce-0", 24)
	ct := xSeal(key, n, inner, nil)
	bad := []struct {
		comment string
		nonce   []byte
		aad     []byte
		ct      []byte
		flags   []string
	}{
		{"a bit of the ciphertext flipped", n, nil, flip(ct, 0, 0), nil},
		{"a bit of the tag flipped", n, nil, flip(ct, len(ct)-1, 7), nil},
		{"a bit of the nonce flipped", flip(n, 23, 0), nil, ct, nil},
		{"a bit of the nonce's HChaCha20 part flipped", flip(n, 0, 0), nil, ct, nil},
		{"aad given where it was empty", n, []byte("x"), ct, nil},
		{"the last byte removed", n, nil, ct[:len(ct)-1], []string{"Truncated"}},
		{"only 15 bytes", n, nil, ct[:15], []string{"Truncated"}},
		{"empty ciphertext", n, nil, nil, []string{"Truncated"}},
		{"one extra byte appended", n, nil, append(append([]byte{}, ct...), 0), nil},
		{"the tag moved to the front", n, nil, append(append([]byte{}, ct[len(ct)-16:]...), ct[:len(ct)-16]...), nil},
		{"all-zero tag", n, nil, append(append([]byte{}, ct[:len(ct)-16]...), make([]byte, 16)...), nil},
		{"encrypted under another key", n, nil, xSeal(det("xchacha/other-key", 32), n, inner, nil), nil},
	}
	for _, c := range bad {
		g.invalid(wire.DecryptFailed, c.comment, fields{"nonce": b64(c.nonce), "aad": b64(c.aad), "ct": b64(c.ct)}, c.flags...)
	}
	for _, l := range []int{16, 31, 33} {
		wg := b.group("XChaCha20Poly1305", fmt.Sprintf("a key of %d bytes", l), fields{"key": b64(append(append([]byte{}, key...), 1)[:l])})
		wg.invalid(wire.BadKey, fmt.Sprintf("a %d-byte key must be refused", l), fields{"nonce": b64(n), "aad": b64(nil), "ct": b64(ct)}, "WrongLength")
	}
	return b.done()
}
