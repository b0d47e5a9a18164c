// Package probe is the conformance suite's own wire client: it speaks
// EMSG/1 to a server under test at the level of HTTP requests and
// WebSocket frames, with the protocol library (reference/protocol) for
// keys, signatures and envelopes but none of the reference client's logic,
// so that a bug in the reference client can never hide a bug in a server.
//
// # Logging and validation
//
// Every HTTP exchange and every WebSocket frame goes into the probe's
// [Log], and is checked against spec/ on the way: an exchange with
// spec.ValidateExchange, a frame with spec.ValidateJSON against
// stream-server-frame (or stream-client-frame for what the probe sends).
// A departure is recorded on the entry as a [Violation]; the suites fail
// the spec that saw one, naming the requirement. Requests the suites
// break on purpose (robustness specs) are not held against the server:
// only the server's side of such an exchange is checked (the error shape
// and the status of its code).
//
// # Accounts
//
// [Probe.Register] makes a fresh account with a new identity,
// [Account.Login] signs the login challenge, and [Account.Call] sends an
// authenticated request; [Account.Seal] builds an envelope to another
// account. [Stream] is the event stream of an account.
package probe
