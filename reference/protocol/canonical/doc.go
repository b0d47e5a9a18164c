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
// compute the same bytes, whatever their JSON library printed.
//
// # How it canonicalises
//
// [Transform] reads the text once, with a strict recursive-descent parser
// that writes the canonical form of each value as it goes:
//
//   - a string is decoded and written again as RFC 8785 §3.2.2.2 says:
//     only '"' and '\' escaped, the controls U+0008, U+0009, U+000A,
//     U+000C and U+000D as \b \t \n \f \r, the other controls below U+0020
//     as \u00xx in lower-case hex, everything else (including "/", DEL and
//     U+2028) as literal UTF-8. A string without escapes is already in that
//     form and is copied whole;
//   - a number is printed as ECMAScript prints the nearest IEEE-754 double
//     (§3.2.2.3): the shortest digits that round-trip, in plain notation
//     for 1e-6 ≤ |x| < 1e21 and exponent notation ("1e+21", "5e-7")
//     otherwise, "-0" as "0";
//   - true, false and null are copied;
//   - object members are written in the order they arrive and their names
//     remembered; when an object closes, its names are checked for
//     duplicates and, if they were not already in UTF-16 order (§3.2.3),
//     the object is marked for reordering. A last copy writes the result
//     with every marked object's members in order, each byte copied once
//     whatever the nesting, so the work stays linear in the input.
//
// The differential fuzz test FuzzAgainstJCS holds this to the output of
// [github.com/gowebpki/jcs] behind the strict check described next.
//
// # Strict input
//
// Canonical form is only meaningful for input that has one interpretation,
// so [Transform] rejects, with [wire.BadEncoding] naming where (a JSON
// pointer, member names unescaped): text that is not exactly one RFC 8259
// JSON value with optional whitespace around it, invalid UTF-8 anywhere, a
// raw control character or an unknown escape in a string, an object with
// two members of the same name (at any depth, compared after unescaping),
// a \u escape that is a lone UTF-16 surrogate (or a high surrogate not
// followed by a low one), a number beyond the range of a double, and
// arrays and objects nested more than 10000 deep (the limit of
// json.Unmarshal and of jcs). A duplicate name is the classic signature bypass: a
// verifier and a decoder that keep different copies of the member see
// different objects under one valid signature.
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
//
// # Leaving members out
//
// A signature covers an object without its own "sig" member.
// [ProtocolWithout] canonicalises an object without the members named by
// [Cut] paths and returns what it found there, so that a verifier gets
// the signing input and the signature from one pass over the bytes it
// received.
package canonical
