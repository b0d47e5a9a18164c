// Package canonical turns JSON text into its RFC 8785 canonical form (the
// JSON Canonicalization Scheme, JCS), the bytes every EMSG/1 signature is
// computed over.
//
// # Canonical form
//
// JCS removes insignificant whitespace, sorts object members by the UTF-16
// code units of their names (recursively; array order is kept), writes
// strings with the minimal escapes and numbers the way ECMAScript's
// JSON.stringify does. Two parties that hold the same JSON value therefore
// compute the same bytes, whatever their JSON library printed. The
// canonicalisation itself is [github.com/gowebpki/jcs].
//
// # Strict input
//
// Canonical form is only meaningful for input that has one interpretation,
// so [Transform] first rejects, with [wire.BadEncoding]: text that is not
// exactly one JSON value, invalid UTF-8, an object with two members of the
// same name (at any depth, compared after unescaping), and a \u escape that
// is a lone UTF-16 surrogate. A duplicate name is the classic signature
// bypass: a verifier and a decoder that keep different copies of the member
// see different objects under one valid signature.
//
// # Protocol numbers
//
// EMSG/1 objects carry no floating-point numbers and only integers that
// every JSON implementation holds exactly. [Protocol] is [Transform] plus
// that rule: every number is an integer written in its canonical form (no
// fraction, exponent, leading zero or "-0") within ±(2^53−1), so the
// canonical bytes of a number are the bytes that were received and no two
// distinct integers share a signature. [Marshal] and the signing package
// use [Protocol].
package canonical
