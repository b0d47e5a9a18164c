// Package envelope builds, parses and opens EMSG/1 messages: the signed
// [Inner] message only the sender and recipients read, and the outer
// [Envelope] servers route.
//
// # Layers
//
// The sender signs the inner message {v, id, from, to, ts, body, sig} with
// its Ed25519 key over JCS(inner without "sig"), encrypts the JCS form once
// with a fresh content key (XChaCha20-Poly1305, empty additional data), and
// wraps the content key for every reader, itself included, with a
// libsodium-compatible sealed box (crypto_box_seal). Servers see only the
// envelope {v, id, from, to, session?, ts, ttl, keys, payload}; (from, id)
// is its idempotency key. Version 1 has no forward secrecy: "v" is reserved
// for a ratcheting successor.
//
// # Sending and receiving
//
// [Seal] does all of the sending side from a [wire.Deps]; [SealWith] does
// the same from explicit [Params], for test vectors. [ParseEnvelope] is the
// strict decoder servers and clients apply to every envelope received.
// [Open] (or an [Opener] for many envelopes) unwraps, decrypts, decodes and
// verifies, and finally runs [CheckRouting], which compares the envelope's
// routing fields with the signed ones so that nobody can re-address a
// message. Bodies are read with [ParseBody]: "text" is the one v1 type;
// vendor types ("vnd.<domain>.<name>") are shown as unsupported by clients
// that do not know them.
//
// # Reproducibility
//
// [Seal] reads, in this order: the time from deps.Now (ts, and the ULID
// time of id), 10 bytes of ULID entropy, the 32-byte content key, the
// 24-byte payload nonce, then one 32-byte ephemeral X25519 secret per
// reader in ascending order of the readers' addresses (byte order of
// "local#domain", sender included). Ed25519 signatures are deterministic,
// so [wire.Seeded] deps reproduce every byte, and so does [SealWith] in any
// implementation given the same [Params].
//
// # Failures
//
// Every failure is a [*wire.Error]. Decoders check in a fixed order, so each
// input has one defect: size ([wire.TooLarge]), JSON syntax, UTF-8 and
// duplicate member names ([wire.BadEncoding]), object shape
// ([wire.Malformed]), "v" ([wire.UnsupportedVersion]), unknown then missing
// members (malformed), then each member in the order of the contract
// (addresses [wire.BadAddress], which must already be canonical, wrapped
// keys [wire.BadKey]). Fields are JSON Pointers ("/keys/bob#b.test"). [Open] adds
// [wire.NotARecipient], [wire.DecryptFailed], [wire.BadSignature] and
// [wire.RoutingMismatch], in that order.
//
// # Performance
//
// Servers parse every envelope and clients and the load simulator seal and
// open many. The inner message's JCS form is written directly rather than
// through a generic JSON round trip, each sealed box costs two X25519
// multiplications (x/crypto's nacl/box spends three), and an [Opener]
// loads the reader's key once. Verification canonicalises generically only
// when the received bytes are not already canonical.
package envelope
