// Package httpapi is the HTTP glue of the reference server: errors in the
// one shape the spec allows ({"error": code, "message": text}, with the
// status spec/errors.yaml gives the code), JSON answers, and request bodies
// read under a size limit and checked against the spec's JSON Schemas
// before any handler sees them, so bad input always gets a specified error
// and never reaches state.
package httpapi
