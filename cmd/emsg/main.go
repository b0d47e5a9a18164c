// Command emsg is the one command-line tool of the EMSG/1 toolkit.
//
// # Subcommands
//
//   - emsg conform: run every conformance check that exists against the
//     in-process reference and print a summary (the README's main command).
//   - emsg vectors: list the test-vector files and check the reference
//     protocol library against them.
//   - emsg spec: look up requirements, list schemas, validate JSON files
//     against a named schema.
//   - emsg serve: run the reference server for one domain, or a loopback
//     deployment of several that prints its resolver table.
//   - emsg report: compare two saved runs (diff, exit 1 on a regression)
//     and render saved runs as HTML, JUnit XML, Markdown and SVG badges.
//   - emsg client: try EMSG out as a person: register, log in, add and
//     accept contacts, send, and listen (a live tail of your messages).
//
// Every subcommand prints plain text when standard output is not a
// terminal, and exits non-zero when what it checked failed.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
