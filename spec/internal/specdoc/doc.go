// Package specdoc renders the human-readable EMSG/1 specification, spec/EMSG.md,
// from the machine-readable one. It is the only way EMSG.md is written: the
// golden test of package spec renders it from the embedded files and fails
// when the committed document differs, so prose and machine-readable spec
// cannot drift.
//
// # Inputs
//
// [Render] takes an [Inputs] value holding plain data: the sections of the
// requirements catalogue (teaching prose and numbered requirements), the
// error codes, the defect → error code map, the JSON Schemas and the
// operations of each OpenAPI document. Package spec builds it from its
// embedded files (specdoc does not import spec, so spec's tests can import
// specdoc).
//
// # Output
//
// The document opens with a title, a status line and the RFC 2119 reading
// rules, then a table of contents, then each section's intro followed by its
// requirements, one line each:
//
//   - **ADDR-SYNTAX-01** (MUST, core) — A server MUST reject ... with `bad_address`.
//
// Generated appendices follow: error codes, defect map, JSON Schemas, API
// operations and a count of requirements per profile and level. The output
// depends only on the inputs: rendering twice gives the same bytes.
package specdoc
