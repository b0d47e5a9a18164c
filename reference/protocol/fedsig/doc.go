// Package fedsig signs and verifies EMSG/1 server-to-server requests (scheme
// EMSG-Federation) and operator requests to the admin API (scheme
// EMSG-Admin). Both put the signature in the Authorization header:
//
//	Authorization: EMSG-Federation origin="a.test",destination="b.test",key="ed25519:k1",ts="1700000000000",sig="..."
//
// # Signing
//
// A sender holds a [ServerKey] published in its discovery document under
// "server_keys". [Sign] (or [SignRequest] for an *http.Request) signs the
// JCS encoding of {method, target, origin, destination, key, ts, digest}
// ([SigningInput]), where digest is the SHA-256 of the exact body ([Digest]).
// The digest never travels: the receiver recomputes it from the body it got.
// [SignAdmin] does the same for the admin API with origin "admin".
//
// # Verifying
//
// A receiver runs [Verify] (or a [Verifier], which also serves the admin
// scheme) with its own domain and a [KeyLookup] that finds the origin's
// published keys. The checks run in a fixed order, so that every rejected
// request has exactly one defect: malformed, wrong_destination, clock_skew,
// unknown_key, bad_signature (see [Verifier.Verify]). A changed body shows up
// as bad_signature.
//
// # Header grammar
//
// [ParseAuthorization] is strict about everything EMSG defines (each of the
// five parameters exactly once, quoted values, no unknown parameters, a ts
// without sign or leading zeros) and follows RFC 9110 where HTTP binds the
// recipient (case-insensitive scheme and parameter names, optional white
// space around "," and "="). [Params.Header] writes the canonical form.
//
// # Domain separation
//
// The scheme is not signed. The origin is: a federation origin is always a
// domain (at least two labels) and an admin origin is always "admin", so a
// signature made for one scheme never verifies under the other.
package fedsig
