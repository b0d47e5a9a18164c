// Package ticket issues and checks EMSG/1 session tickets and the session
// auth proofs that go with them.
//
// # Sessions
//
// When alice#a.test starts a conversation with bob#b.test, her server a.test
// (the host) [Issue]s a [Ticket] naming bob as the peer and sends it to him
// with the first message. While the ticket lives, bob's client may open a
// WebSocket at a.test directly: its first frame carries the ticket and an
// [Auth] proof ([NewAuth]) signed with bob's account key. The host runs
// [Accept]: the ticket is its own, unexpired and validly signed by one of
// its server keys, and the proof binds bob, this ticket and this host at
// the current time (±[fedsig.MaxSkew]).
//
// # Decoding
//
// [ParseTicket] and [ParseAuth] are strict: the JSON text must be strict
// canonicalisable JSON (bad_encoding otherwise: syntax, duplicate member
// names, numbers that are not integers within ±(2^53-1)); the object is
// closed (an unknown, missing or null member is malformed, unknown names
// reported first in sorted order); "type" must be "session_ticket" or
// "session_auth" (malformed); ids are canonical ULIDs, hosts canonical
// domains, addresses follow the address grammar (bad_address), signatures
// are 64 bytes and nonces 16 (malformed).
//
// # Verifying
//
// Signatures are checked over the bytes as received ([Ticket.Bytes]), never
// over a re-encoding. Each verifier documents its check order, so an input
// with several defects reports exactly one.
package ticket
