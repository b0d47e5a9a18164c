// Package config is the configuration of the EMSG/1 reference server: one
// [Config] struct whose fields carry, in struct tags, the environment
// variable, the command-line flag, the default and the documentation of
// each option. The server reads flags first, then EMSG_* variables for
// what no flag set, then the defaults; [Markdown] renders the same tags as
// the project's ENVIRONMENT.md, so the documentation cannot drift from the
// code.
//
// # Tags
//
//	env:"EMSG_DOMAIN" flag:"domain" default:"" doc:"..."
//
// Supported field types are string, bool, int, time.Duration and []string
// (comma-separated). The resolver table (EMSG_RESOLVE, EMSG_RESOLVE_FILE)
// is read by package resolve, not here, so that every component reads it
// the same way.
package config
