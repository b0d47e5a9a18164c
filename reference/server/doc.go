// Package server is the EMSG/1 reference server: what `make conformance`
// certifies by default and what every other implementation is measured
// against.
//
// # Layout
//
//   - [config]: every option, from flags and EMSG_* variables, documented
//     in ENVIRONMENT.md generated from the same struct.
//   - [httpapi]: errors in the spec's shape, JSON bodies checked against
//     the spec's schemas, routing that answers misses in the same shape.
//   - [store]: the durable state on bbolt; a write is acknowledged only
//     once committed, and a refused request changes nothing.
//   - accounts (registration, login, tokens, keys, settings; it
//     authenticates for the others), stream (the WebSocket event stream),
//     messaging (envelopes and read receipts) and contacts: one package per
//     part of the client API, each mounting its routes.
//   - federation: peer discovery, the signed inbox, and the outbox that
//     sends each destination's queue in FIFO transactions with retries.
//   - sessions: the session host (tickets, the peer's session socket,
//     fallback to federation, idle expiry and end); signals: typing and
//     presence, pushed at once and forwarded best-effort; fedcall: single
//     signed requests outside the queue (key fetch, signals).
//   - retention: the sweeper that drops expired envelope events (expired
//     events and receipts) and other expired records, driven by the
//     injected clock, and the favorites; migration: account data, import,
//     move and delete notices, forwarded to contacts and applied from
//     federation "move" and "delete" items.
//   - this package: a [Server] for one domain, which owns the store, the
//     server key (persisted in the data directory), the discovery document
//     and the health endpoint, and wires the parts together; a
//     [Deployment] of several servers on loopback.
//
// # Not written yet
//
// The admin API: its paths answer not_found, as for a feature a server
// does not offer, and discovery does not advertise it.
//
// [config]: https://pkg.go.dev/github.com/emsg-project/emsg/reference/server/config
// [httpapi]: https://pkg.go.dev/github.com/emsg-project/emsg/reference/server/httpapi
// [store]: https://pkg.go.dev/github.com/emsg-project/emsg/reference/server/store
package server
