package resolve

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// maxLine is the longest line [ParseFile] reads, comment included.
const maxLine = 64 << 10

// Parse reads a table in the syntax of EMSG_RESOLVE: comma-separated
// "domain=host:port" entries, with no white space and no empty entries.
// The empty string is the empty table. The first bad entry is returned as
// an [*EntryError] naming it ("EMSG_RESOLVE entry 2 ...").
func Parse(s string) (Table, error) {
	b := newBuilder(Table{})
	if s == "" {
		return b.table(), nil
	}
	for i, text := range strings.Split(s, ",") {
		where := fmt.Sprintf("%s entry %d", EnvResolve, i+1)
		if err := parseEnvEntry(b, text, where); err != nil {
			return Table{}, err
		}
	}
	return b.table(), nil
}

// parseEnvEntry checks the shape of one "domain=host:port" entry and adds it.
func parseEnvEntry(b *builder, text, where string) error {
	syntax := func(msg string) error {
		return &EntryError{Where: where, Entry: text, Kind: ErrSyntax, Err: errors.New(msg)}
	}
	switch {
	case text == "":
		return syntax("empty entry (a leading, trailing or doubled comma)")
	case strings.ContainsAny(text, " \t\r\n"):
		return syntax("white space is not allowed in " + EnvResolve)
	case strings.Count(text, "=") != 1:
		return syntax(`want domain=host:port, with exactly one "="`)
	}
	domain, hostport, _ := strings.Cut(text, "=")
	return b.add(domain, hostport, where, text)
}

// ParseFile reads a table in the file format of EMSG_RESOLVE_FILE: one
// "domain host:port" entry per line, the two fields separated by spaces or
// tabs; "#" starts a comment that runs to the end of the line; blank lines
// (and lines holding only a comment) are ignored; a line may end in "\r\n".
// The first bad line is returned as an [*EntryError] naming it ("line 3 ...").
func ParseFile(r io.Reader) (Table, error) { return parseFile(r, "") }

// LoadFile is [ParseFile] of the file at path; errors name the file
// ("lab.conf line 3 ...").
func LoadFile(path string) (Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return Table{}, fmt.Errorf("resolver file: %w", err)
	}
	defer f.Close()
	return parseFile(f, path)
}

// parseFile reads the file format; name, when not empty, prefixes the line
// numbers in errors.
func parseFile(r io.Reader, name string) (Table, error) {
	b := newBuilder(Table{})
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, maxLine)
	n := 0
	for sc.Scan() {
		n++
		if err := parseFileLine(b, sc.Text(), lineWhere(name, n)); err != nil {
			return Table{}, err
		}
	}
	if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		return Table{}, &EntryError{Where: lineWhere(name, n+1), Kind: ErrSyntax,
			Err: fmt.Errorf("line longer than %d bytes", maxLine)}
	} else if err != nil {
		return Table{}, fmt.Errorf("read resolver file: %w", err)
	}
	return b.table(), nil
}

// parseFileLine strips the comment of one line and adds its entry, if any.
func parseFileLine(b *builder, line, where string) error {
	line, _, _ = strings.Cut(line, "#")
	fields := strings.FieldsFunc(line, func(c rune) bool { return c == ' ' || c == '\t' })
	switch len(fields) {
	case 0:
		return nil
	case 2:
		return b.add(fields[0], fields[1], where, strings.Trim(line, " \t"))
	default:
		return &EntryError{Where: where, Entry: strings.Trim(line, " \t"), Kind: ErrSyntax,
			Err: fmt.Errorf(`want two fields, "domain host:port", got %d`, len(fields))}
	}
}

// lineWhere names line n of the file called name ("" when unknown).
func lineWhere(name string, n int) string {
	if name == "" {
		return fmt.Sprintf("line %d", n)
	}
	return fmt.Sprintf("%s line %d", name, n)
}
