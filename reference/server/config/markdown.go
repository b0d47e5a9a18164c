package config

import (
	"fmt"
	"io"
	"strings"
)

// Markdown writes the options as the reference server's ENVIRONMENT.md: one
// row per option with its variable, flag, default and meaning.
func Markdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# Reference server configuration\n\n")
	b.WriteString("Generated from `reference/server/config/config.go` (`make spec` regenerates it).\n")
	b.WriteString("A flag wins over its environment variable, which wins over the default.\n")
	b.WriteString("The resolver table is read from `EMSG_RESOLVE` and `EMSG_RESOLVE_FILE` (see package `reference/resolve`).\n\n")
	b.WriteString("| variable | flag | default | meaning |\n|---|---|---|---|\n")
	for _, o := range options() {
		fmt.Fprintf(&b, "| `%s` | `--%s` | %s | %s |\n", o.env, o.flag, code(o.def), o.doc)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func code(s string) string {
	if s == "" {
		return "(none)"
	}
	return "`" + s + "`"
}
