package envelope

import "github.com/emsg-project/emsg/reference/protocol/wire"

// Version is the only value of "v" in EMSG/1 envelopes and inner messages.
// Version 1 has no forward secrecy; a later version with a ratchet will use
// a new value, which version-1 code rejects with [wire.UnsupportedVersion].
const Version = 1

// Size limits and defaults. A server may lower [MaxEnvelopeBytes] or
// [DefaultMaxTTL] by policy and announces its values in the discovery
// document's "limits"; these are the EMSG/1 defaults.
const (
	MaxEnvelopeBytes = 65536   // largest envelope JSON a server must accept (too_large above)
	DefaultTTL       = 604800  // ttl in seconds when the sender sets none (7 days)
	DefaultMaxTTL    = 2592000 // largest ttl a server accepts by default (30 days)
)

// Sizes of the cryptographic fields.
const (
	ContentKeySize = 32           // XChaCha20-Poly1305 key that encrypts the payload
	NonceSize      = 24           // XChaCha20-Poly1305 nonce, the first bytes of the payload
	TagSize        = 16           // Poly1305 tag at the end of the payload
	WrappedKeySize = 32 + 16 + 32 // sealed box of a content key: ephemeral key, tag, key
	SignatureSize  = 64           // Ed25519 signature of the inner message
)

// minPayload is the shortest payload that can hold an inner message:
// nonce, one byte of ciphertext and the tag.
const minPayload = NonceSize + 1 + TagSize

// maxInt is the largest integer an EMSG/1 number may hold.
const maxInt = wire.MaxSafeInteger
