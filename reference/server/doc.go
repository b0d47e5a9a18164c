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
//   - this package: a [Server] for one domain: its server keys (persisted
//     in the data directory), the discovery document and the health
//     endpoint, the HTTP server with the spec's limits and timeouts.
//
// The accounts, messaging, stream, federation, groups, sessions,
// retention, migration and admin parts of the API are not written yet:
// those paths answer not_found, as for a feature a server does not offer.
//
// [config]: https://pkg.go.dev/github.com/emsg-project/emsg/reference/server/config
// [httpapi]: https://pkg.go.dev/github.com/emsg-project/emsg/reference/server/httpapi
package server
