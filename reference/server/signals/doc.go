// Package signals carries EMSG/1's ephemeral signals (feature `signals`):
// typing indicators and presence. A client sends one with POST
// /emsg/v1/signals or a stream `signal` frame; the server adds `from` and
// pushes it at once, as a `{"type":"signal","signal":...}` stream frame
// without seq, to the recipients connected here, and forwards it to other
// servers with POST /emsg/v1/federation/signals — best effort, at most
// once: never stored, never queued, never retried (EPH-NOSTORE-01,
// FED-SIGNALS-01).
//
// Audience: a typing signal goes to one accepted contact, or to the other
// members of a group the sender belongs to (forbidden otherwise,
// EPH-AUDIENCE-01); presence goes to every accepted contact
// (EPH-PRESENCE-01). A receiving server checks the same against what it
// holds (its contacts, its group records and mirrors). An account whose `typing` (or `presence`) setting is
// off neither sends nor receives that kind (EPH-OFF-01). Each account is
// rate-limited (rate_limited with retry_after, EPH-RATE-01); so is each
// remote sender at the federation endpoint.
package signals
