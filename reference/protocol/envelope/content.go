package envelope

import (
	"golang.org/x/crypto/chacha20poly1305"
)

// This file encrypts the inner message once for all readers: a fresh
// 32-byte content key and 24-byte nonce, XChaCha20-Poly1305 with empty
// additional data, payload = nonce || ciphertext || tag. The routing fields
// are not additional data because the signed inner message repeats them and
// [CheckRouting] compares the two.

// encryptPayload returns nonce || XChaCha20-Poly1305(key, nonce, plaintext).
func encryptPayload(key *[ContentKeySize]byte, nonce *[NonceSize]byte, plaintext []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(key[:])
	if err != nil {
		return nil, err
	}
	out := make([]byte, NonceSize, NonceSize+len(plaintext)+TagSize)
	copy(out, nonce[:])
	return aead.Seal(out, nonce[:], plaintext, nil), nil
}

// decryptPayload opens a payload with the content key, or reports false.
func decryptPayload(key, payload []byte) ([]byte, bool) {
	if len(key) != ContentKeySize || len(payload) < NonceSize+TagSize {
		return nil, false
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, false
	}
	plain, err := aead.Open(nil, payload[:NonceSize], payload[NonceSize:], nil)
	return plain, err == nil
}
