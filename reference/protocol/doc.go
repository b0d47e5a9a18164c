// Package protocol is the map of the EMSG/1 protocol library: the code that
// turns the spec's objects into bytes and back, and checks them. The
// reference server and client, the mock server, the conformance suites, the
// load simulator and the test-vector generator all speak EMSG/1 through it;
// it imports none of them.
//
// # The packages, bottom up
//
//   - [github.com/emsg-project/emsg/reference/protocol/wire]: base64url
//     bytes, millisecond timestamps, the typed defects every check reports,
//     and injectable randomness and clock.
//   - [github.com/emsg-project/emsg/reference/protocol/address]: the
//     `local#domain` grammar.
//   - [github.com/emsg-project/emsg/reference/protocol/canonical]: RFC 8785
//     canonical JSON, the bytes every signature covers.
//   - [github.com/emsg-project/emsg/reference/protocol/signing]: Ed25519
//     over an object's canonical form without its sig member.
//   - [github.com/emsg-project/emsg/reference/protocol/keys]: account
//     identities, key bundles and their rotation chain.
//   - [github.com/emsg-project/emsg/reference/protocol/envelope]: inner
//     messages and the envelopes that carry them, sealed for N recipients.
//   - [github.com/emsg-project/emsg/reference/protocol/fedsig]: signatures
//     on federation and admin requests.
//   - [github.com/emsg-project/emsg/reference/protocol/ticket]: session
//     tickets and the proof a peer presents with one.
//   - [github.com/emsg-project/emsg/reference/protocol/account]: login
//     proofs, export bundles, move and delete notices.
//
// # Conventions
//
// Every decoder is strict (objects are closed, binary is canonical
// base64url, numbers are integers) and every failure is a
// [github.com/emsg-project/emsg/reference/protocol/wire.Error] naming its
// defect, so callers branch on the defect and the vectors can state the
// expected one. Nothing reads the system clock or randomness directly:
// a wire.Deps is passed in, and a seeded one reproduces every byte.
package protocol
