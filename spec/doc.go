// Package spec is the machine-readable specification of EMSG/1, embedded in
// Go: the JSON Schemas of every object, the OpenAPI documents of the HTTP
// APIs, the catalogue of normative requirements and the closed list of error
// codes — plus the validators that the conformance suites, the reference
// implementation and the document generator share, so that what the spec
// says and what the tests check cannot drift apart.
//
// # Schemas
//
// Every object EMSG/1 puts on a wire has one JSON Schema (draft 2020-12) in
// schemas/<name>.json, embedded as [SchemaFS]: key bundles and envelopes,
// every request and response body, every stream frame and event, every
// federation item. Each schema has a title, a description that teaches what
// the object is for, and realistic examples; shared pieces (addresses,
// canonical base64url values of fixed length, ULIDs, millisecond times, the
// error code enumeration) live in defs.json. Objects are closed: a member
// the schema does not name is an error, as it is for the protocol library's
// decoders (defect malformed). Unions are discriminated by a "kind" or
// "type" member whose value selects one closed branch, so a wrong kind fails
// with one clear message at /kind.
//
// Schemas check shape, not cryptography: a bundle whose signature does not
// verify, or a box_key that is a low-order point, passes its schema and is
// rejected by reference/protocol. [SchemaNames], [SchemaTitle],
// [SchemaDescription] and [SchemaExamples] expose the set to generators.
//
// # Validating instances
//
// [ValidateJSON] checks one JSON document against a schema by name
// ("envelope" for schemas/envelope.json); [Validate] does the same for a Go
// value after encoding it. Both compile the whole set once, lazily, and are
// safe for concurrent use. Beyond the schemas they enforce three wire rules
// JSON Schema cannot state: valid UTF-8, no repeated member names, and
// integer literals only (1.0 is not an EMSG/1 integer). A failure is a
// [*SchemaError] naming the schema, the JSON Pointer of the offending value
// and the reason:
//
//	envelope.json: /keys/bob#b.test: minLength: got 3, want 107
//
// Each schema is compiled twice: for the generic JSON Schema engine
// (santhosh-tekuri/jsonschema), which gives every verdict and error, and
// for a fast validator (fast_schema.go) that checks the same keywords over
// a flat parse of the bytes, with no maps or interfaces, about ten times
// faster. A document the fast validator finds valid is valid; any other
// goes to the engine. Tests run both over every example, every vector and
// tens of thousands of mutations, and a fuzz target over arbitrary input,
// and require the same verdict wherever the fast one is sure.
//
// # Error codes
//
// errors.yaml, embedded as [ErrorsYAML], is the source of truth for the
// closed list of error codes: [ErrorCodes] lists them with their meaning,
// [StatusOf] gives the one HTTP status of each, and [CodeForDefect] says
// which code a server answers when the protocol library reports a defect
// (bad_chain is answered with bad_signature; decrypt_failed is seen only by
// clients and has no code). The error_code enumeration of defs.json equals
// the list, which the package tests check.
//
// # OpenAPI documents
//
// openapi/*.yaml are OpenAPI 3.1 documents for the client–server API (base
// /emsg/v1, plus /.well-known/emsg) and the server–server federation API
// (base /emsg/v1/federation), and the admin API an operator key signs.
// Their request and response bodies refer to the schemas above by relative
// file name, so each object is defined once. [Document] returns a parsed
// document and [Operations] lists its operations; [ValidateExchange] checks
// one request and its response against the operation they belong to (path,
// parameters, required headers, documented status, body, and the error codes
// that status may carry), returning an [*ExchangeError] that says which
// phase failed. The conformance suites run it on every exchange they make.
//
// # Requirements
//
// requirements.yaml is the catalogue of normative statements: one entry per
// MUST, SHOULD or MAY, with a stable ID (ADDR-SYNTAX-01, FED-SPOOF-01), its
// level, the profile it belongs to (core, federation, groups, sessions,
// retention, migration, client) and its text, grouped in sections whose
// prose teaches the formats and algorithms. [Catalogue] returns the
// sections; [RequirementByID], [RequirementsByProfile] and
// [RequirementsByLevel] look statements up. EMSG.md, the human-readable
// specification, is generated from the catalogue, the error codes, the
// schemas and the operations (`make spec`), and a golden test fails when it
// is out of date, so the prose and the machine-readable files say the same
// thing.
//
// # How the conformance suites use this package
//
// A conformance test names the requirement IDs it covers; the suite refuses
// to certify a profile unless every MUST of that profile has a passing test.
// Along the way every object the implementation under test produces is run
// through [ValidateJSON] against its schema, so a malformed object fails
// with a message that locates the fault, and every error answer is checked
// against [StatusOf]: the right code with the right status.
package spec
