// Package ratelimit bounds how often one client may do one thing, and
// answers the excess with the spec's 429 rate_limited (LIMIT-RATE-01,
// LIMIT-RATE-02).
//
// # Model
//
// A [Limiter] is a set of token buckets (golang.org/x/time/rate), one per
// key: a client network address for registration and login, an account
// for sending, an origin domain for the federation inbox. A limit is
// given, like the admin policy's rate_limits, in requests per minute; the
// bucket holds a minute's worth, so a client that was quiet may spend it
// at once, and refills at the same rate. A refused request consumes
// nothing and changes no state: the caller answers before the handler
// runs. The refusal says how long to wait, in whole seconds, at least 1,
// in both the Retry-After header and the retry_after member.
//
// # Where the limits apply
//
// [Guard] wraps an HTTP handler with [Rule]s that pick the requests of
// one method and path and the key they count against; the server wires
// it around its routes. Callers that are not HTTP handlers (stream send
// frames, the federation inbox after it has verified the origin) call
// [Limiter.Allow] themselves.
//
// The clock is injected (wire.Deps), so tests drive refills without
// sleeping; a limit of 0 turns a Limiter off.
package ratelimit
