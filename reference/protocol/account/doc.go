// Package account makes, reads and checks the signed objects an EMSG/1
// account sends about itself: the [LoginProof] that answers a login
// challenge, the [Export] that carries an account to another server, the
// [MoveNotice] that tells contacts where it went and the [DeleteNotice]
// that ends it. All four are signed with the account's sign key (the move
// notice with the OLD account's key) over JCS of the object minus "sig".
//
// # Making
//
// [NewLoginProof], [NewExport], [NewMoveNotice] and [NewDeleteNotice] take
// a [wire.Deps] for the clock (ts, created) and the sign key, check that
// the result is one a peer will accept, sign it and remember its canonical
// encoding.
//
// # Reading
//
// [ParseLoginProof], [ParseExport], [ParseMoveNotice] and
// [ParseDeleteNotice] are strict, in a fixed order: the JSON text (bad_encoding:
// syntax, duplicate member names, numbers that are not integers within
// ±(2^53-1)); the object shape and its "type" (malformed); an export's "v"
// (unsupported_version unless 1); the member set, closed at every level
// (malformed: unknown, missing or null members); then the members, depth
// first. Embedded key bundles are read by [keys.ParseBundle], which also
// checks their own signatures, so a broken bundle is rejected while parsing
// with the defect package keys gives it, in a field such as
// "/contacts/1/bundle". Field paths are JSON Pointers (RFC 6901).
//
// # Verifying
//
// Each Verify method checks the object's signature over the bytes it was
// made or received as, never over a re-encoding. [MoveNotice.Verify] and
// [Export.Verify] also re-run their consistency checks and verify every
// embedded bundle, so objects built in memory get the same checks as
// parsed ones. Time windows, challenges and replay are the server's to
// check: these objects are also forwarded and stored, where they must stay
// verifiable.
package account
