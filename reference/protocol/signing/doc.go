// Package signing computes and checks the Ed25519 signatures of EMSG/1
// objects: key bundles, inner messages, tickets, notices and proofs.
//
// # What is signed
//
// A signed object is a JSON object with a top-level "sig" member holding
// the unpadded base64url of a 64-byte Ed25519 signature. The signature is
// over the signing input ([Input]): the RFC 8785 canonical form
// ([canonical.Protocol]) of the object without its top-level "sig" member.
// Every other member, nested objects included, is covered.
//
// # Verifying what was received
//
// [Verify] works on the bytes that arrived, never on a re-encoding of a
// decoded Go value, so a member the decoder does not know about cannot slip
// past the signature, and the result does not depend on how this
// implementation would print the object. Decoders still reject unknown
// members (objects are closed in EMSG/1); verification is the second line.
// One pass of the canonicaliser ([canonical.ProtocolWithout]) yields both
// the signing input and the signature; [Sign] encodes its Go value with
// encoding/json and makes the same single pass over the result.
//
// # Nested signatures
//
// A rotated key bundle carries a second signature inside it: "prev":
// {"sign_key", "sig"} where prev.sig is made by the previous key over the
// bundle without its top-level "sig" and without prev.sig itself.
// [SignField], [InputWithout] and [VerifyField] name such a signature by
// its member path ("prev", "sig"); with the path "sig" they are [Sign],
// [Input] and [Verify].
//
// # Failures
//
// Every failure is a [*wire.Error]: [wire.BadEncoding] for text that is not
// strict canonicalisable JSON or a signature that is not base64url,
// [wire.Malformed] when the value is not an object or the signature member
// is missing, not a string or not 64 bytes (a value of the wrong shape, as
// the schemas say), [wire.BadKey] for a key of the wrong length, and
// [wire.BadSignature] for a signature that does not verify.
package signing
