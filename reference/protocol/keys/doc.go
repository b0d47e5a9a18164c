// Package keys holds the keys of an EMSG/1 account: the private [Identity]
// that only the account's clients hold, and the public key [Bundle] that
// servers store and hand out.
//
// # Bundles
//
// A bundle publishes an account's Ed25519 signing key and X25519 box
// (encryption) key, with the time it was made, signed by the signing key:
//
//	{"address":"alice#a.test","sign_key":"…","box_key":"…","created":1700000000000,"sig":"…"}
//
// [ParseBundle] decodes a received bundle strictly (objects are closed, so
// an unknown member is [wire.Malformed]) and verifies it over the bytes as
// received ([signing.Verify]). [Bundle.Verify] checks a bundle held in
// memory: key lengths and a box key that is not a low-order point
// ([wire.BadKey]), the self-signature ([wire.BadSignature]) and, for a
// rotated bundle, the link to the previous key ([wire.BadChain]).
//
// # Rotation
//
// [Identity.Rotate] makes new keys and a bundle whose "prev" member names
// the previous signing key and carries its signature:
//
//	"prev":{"sign_key":<old key>,"sig":<by the old key>}
//
// prev.sig is made by the old key over the bundle without its top-level
// "sig" and without prev.sig ([signing.InputWithout]); the top-level sig, by
// the new key, covers prev.sig. Servers keep every bundle of an account and
// serve them oldest first; [VerifyChain] checks such a list link by link.
//
// # Private keys
//
// An [Identity] is made from 64 bytes of the caller's randomness
// ([wire.Deps]): a 32-byte Ed25519 seed and a 32-byte X25519 scalar, never
// through a library's GenerateKey, so a seeded source reproduces every key.
// [Identity.PrivateKeys] exports them for a keystore and [FromPrivateKeys]
// restores them.
package keys
