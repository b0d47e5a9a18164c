package resolve

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
)

// parseCase is one input of Parse or ParseFile: on success the table it
// gives, in EMSG_RESOLVE form; on failure the kind of error and a piece of
// its message (which always names the entry).
type parseCase struct {
	in      string
	want    string // String() of the table when the input is accepted
	kind    error  // ErrSyntax ... ErrDuplicate when rejected
	message string // must appear in the error message
}

func TestParse(t *testing.T) {
	tests := []parseCase{
		// Happy path.
		{in: "", want: ""}, // empty variable: the empty table
		{in: "a.test=127.0.0.1:7001", want: "a.test=127.0.0.1:7001"},                                             // one entry
		{in: "b.test=127.0.0.1:7002,a.test=127.0.0.1:7001", want: "a.test=127.0.0.1:7001,b.test=127.0.0.1:7002"}, // printed sorted
		{in: "c.test=[::1]:7003", want: "c.test=[::1]:7003"},                                                     // bracketed IPv6
		{in: "c.test=[::ffff:127.0.0.1]:1", want: "c.test=[::ffff:127.0.0.1]:1"},                                 // IPv4-mapped IPv6, lowest port
		{in: "a.test=localhost:65535", want: "a.test=localhost:65535"},                                           // single-label DNS name, highest port
		{in: "a.test=server-a:80", want: "a.test=server-a:80"},                                                   // Docker service name
		{in: "a.test=emsg_server_1:80", want: "a.test=emsg_server_1:80"},                                         // underscore, as Docker and Go's resolver allow
		{in: "a.test=Emsg.Lab:80", want: "a.test=Emsg.Lab:80"},                                                   // host names keep their case
		{in: "xn--bcher-kva.example=10.0.0.5:443", want: "xn--bcher-kva.example=10.0.0.5:443"},                   // IDN domain as A-label
		{in: "a.b.c.test=h.example:8080", want: "a.b.c.test=h.example:8080"},                                     // many labels

		// Sad path: shape of the list.
		{in: ",", kind: ErrSyntax, message: "EMSG_RESOLVE entry 1"},                                     // only a comma
		{in: "a.test=127.0.0.1:1,", kind: ErrSyntax, message: "EMSG_RESOLVE entry 2 \"\""},              // trailing comma
		{in: "a.test=127.0.0.1:1,,b.test=127.0.0.1:2", kind: ErrSyntax, message: "entry 2"},             // doubled comma
		{in: ",a.test=127.0.0.1:1", kind: ErrSyntax, message: "entry 1"},                                // leading comma
		{in: "a.test=127.0.0.1:1, b.test=127.0.0.1:2", kind: ErrSyntax, message: "white space"},         // space after the comma
		{in: "a.test =127.0.0.1:1", kind: ErrSyntax, message: "white space"},                            // space before "="
		{in: "a.test=127.0.0.1:1\n", kind: ErrSyntax, message: "white space"},                           // newline
		{in: "a.test", kind: ErrSyntax, message: `exactly one "="`},                                     // no "="
		{in: "a.test 127.0.0.1:1", kind: ErrSyntax, message: "white space"},                             // the file syntax in the variable
		{in: "a.test=b=127.0.0.1:1", kind: ErrSyntax, message: `exactly one "="`},                       // two "="
		{in: "a.test=127.0.0.1:1;b.test=127.0.0.1:2", kind: ErrSyntax, message: "entry 1"},              // ";" is not a separator
		{in: "a.test:127.0.0.1:1", kind: ErrSyntax, message: `exactly one "="`},                         // ":" instead of "="
		{in: "a.test=127.0.0.1:1#comment", kind: ErrPort, message: "entry 1"},                           // no comments in the variable
		{in: "a.test=127.0.0.1:1,b.test=127.0.0.1:2,=127.0.0.1:3", kind: ErrDomain, message: "entry 3"}, // empty domain, third entry named

		// Sad path: the domain.
		{in: "A.test=127.0.0.1:1", kind: ErrDomain, message: "not_canonical"},        // upper case is not folded
		{in: "localhost=127.0.0.1:1", kind: ErrDomain, message: "single_label"},      // one label
		{in: "a.test.=127.0.0.1:1", kind: ErrDomain, message: "label_empty"},         // trailing dot
		{in: "10.0.0.1=127.0.0.1:1", kind: ErrDomain, message: "numeric_tld"},        // an IP as domain
		{in: "ab--c.test=127.0.0.1:1", kind: ErrDomain, message: "reserved_hyphens"}, // "--" at 3-4
		{in: "a_b.test=127.0.0.1:1", kind: ErrDomain, message: "label_bad_char"},     // "_" is fine in hosts, not in domains
		{in: "bücher.test=127.0.0.1:1", kind: ErrDomain, message: "non_ascii"},       // IDN as U-label
		{in: "alice#a.test=127.0.0.1:1", kind: ErrDomain, message: "label_bad_char"}, // an address, not a domain

		// Sad path: the host.
		{in: "a.test=:7001", kind: ErrHost, message: "host is empty"},                               // no host
		{in: "a.test=127.0.0.1", kind: ErrHost, message: "missing port"},                            // no port at all
		{in: "a.test=::1:7001", kind: ErrHost, message: "too many colons"},                          // IPv6 without brackets
		{in: "a.test=[::1]", kind: ErrHost, message: "missing port"},                                // bracketed, no port
		{in: "a.test=[127.0.0.1]:1", kind: ErrHost, message: "not an IPv6 address"},                 // IPv4 in brackets
		{in: "a.test=[a.test]:1", kind: ErrHost, message: "not an IPv6 address"},                    // name in brackets
		{in: "a.test=[fe80::1%eth0]:1", kind: ErrHost, message: "zone"},                             // IPv6 zone
		{in: "a.test=127.1:1", kind: ErrHost, message: "not an IPv4 address"},                       // short IPv4 form
		{in: "a.test=127.0.0.01:1", kind: ErrHost, message: "not an IPv4 address"},                  // leading zero in IPv4
		{in: "a.test=256.0.0.1:1", kind: ErrHost, message: "not an IPv4 address"},                   // octet too large
		{in: "a.test=-host:1", kind: ErrHost, message: "hyphen"},                                    // label starting with "-"
		{in: "a.test=host.:1", kind: ErrHost, message: "label 2"},                                   // trailing dot
		{in: "a.test=ho$t:1", kind: ErrHost, message: "not one of"},                                 // bad character
		{in: "a.test=" + strings.Repeat("h", 64) + ":1", kind: ErrHost, message: "64 characters"},   // label too long
		{in: "a.test=" + strings.Repeat("h.", 127) + "hh:1", kind: ErrHost, message: "at most 253"}, // name too long

		// Sad path: the port.
		{in: "a.test=127.0.0.1:0", kind: ErrPort, message: "0 is outside 1-65535"},       // zero
		{in: "a.test=127.0.0.1:65536", kind: ErrPort, message: "outside 1-65535"},        // too large
		{in: "a.test=127.0.0.1:99999999999999999999", kind: ErrPort, message: "outside"}, // overflows int
		{in: "a.test=127.0.0.1:07001", kind: ErrPort, message: "leading zeros"},          // leading zero
		{in: "a.test=127.0.0.1:http", kind: ErrPort, message: "not a decimal"},           // service name
		{in: "a.test=127.0.0.1:+80", kind: ErrPort, message: "not a decimal"},            // sign
		{in: "a.test=127.0.0.1:", kind: ErrPort, message: "port is empty"},               // empty port

		// Sad path: duplicates.
		{in: "a.test=127.0.0.1:1,a.test=127.0.0.1:2", kind: ErrDuplicate, message: `entry 2 "a.test=127.0.0.1:2": domain mapped twice: a.test is already mapped by EMSG_RESOLVE entry 1`}, // different targets
		{in: "a.test=127.0.0.1:1,a.test=127.0.0.1:1", kind: ErrDuplicate, message: "entry 2"},                                                                                             // even when identical
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			table, err := Parse(tt.in)
			checkParse(t, table, err, tt)
		})
	}
}

func TestParseFile(t *testing.T) {
	tests := []parseCase{
		// Happy path.
		{in: "", want: ""},                                                                                      // empty file
		{in: "\n\n  \t\n", want: ""},                                                                            // blank lines only
		{in: "# just a comment\n", want: ""},                                                                    // comment only
		{in: "a.test 127.0.0.1:7001", want: "a.test=127.0.0.1:7001"},                                            // no final newline
		{in: "a.test\t127.0.0.1:7001\n", want: "a.test=127.0.0.1:7001"},                                         // tab separator
		{in: "  a.test \t  127.0.0.1:7001  \t\n", want: "a.test=127.0.0.1:7001"},                                // leading, trailing and mixed white space
		{in: "a.test 127.0.0.1:7001 # the home\n", want: "a.test=127.0.0.1:7001"},                               // comment after the entry
		{in: "a.test 127.0.0.1:7001#tight\n", want: "a.test=127.0.0.1:7001"},                                    // comment right after the port
		{in: "a.test 127.0.0.1:7001\r\nb.test [::1]:7002\r\n", want: "a.test=127.0.0.1:7001,b.test=[::1]:7002"}, // CRLF line ends
		{in: specExample, want: "a.test=127.0.0.1:7001,b.test=127.0.0.1:7002,c.test=[::1]:7003"},                // the example of the spec
		{in: "a.test localhost:1 # " + strings.Repeat("x", 60000) + "\n", want: "a.test=localhost:1"},           // long comment

		// Sad path: shape of a line.
		{in: "a.test\n", kind: ErrSyntax, message: `line 1 "a.test": malformed entry: want two fields`}, // one field
		{in: "\n\na.test 127.0.0.1:1 extra\n", kind: ErrSyntax, message: "line 3"},                      // three fields, line counted past blanks
		{in: "a.test=127.0.0.1:1\n", kind: ErrSyntax, message: "got 1"},                                 // the variable syntax in the file
		{in: "a.test,127.0.0.1:1\n", kind: ErrSyntax, message: "got 1"},                                 // comma is not a separator
		{in: "a.test\v127.0.0.1:1\n", kind: ErrSyntax, message: "got 1"},                                // vertical tab is not a separator
		{in: "a.test 127.0.0.1:1\rb.test 127.0.0.1:2\n", kind: ErrSyntax, message: "line 1"},            // a lone CR is not a line end
		{in: "a.test\u00a0127.0.0.1:1\n", kind: ErrSyntax, message: "got 1"},                            // no-break space is not a separator
		{in: strings.Repeat("x", maxLine+1), kind: ErrSyntax, message: "line 1"},                        // line too long

		// Sad path: entries, named by line.
		{in: "# lab\na.test 127.0.0.1:1\nb.test 127.0.0.1:0\n", kind: ErrPort, message: `line 3 "b.test 127.0.0.1:0": invalid port`},                                                                 // bad port on line 3
		{in: "A.test 127.0.0.1:1\n", kind: ErrDomain, message: "line 1"},                                                                                                                             // upper-case domain
		{in: "a.test ::1:7003\n", kind: ErrHost, message: "too many colons"},                                                                                                                         // unbracketed IPv6
		{in: "a.test 127.0.0.1:1\n\na.test [::1]:2 # again\n", kind: ErrDuplicate, message: `line 3 "a.test [::1]:2": domain mapped twice: a.test is already mapped by line 1 "a.test 127.0.0.1:1"`}, // duplicate names both lines
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			table, err := ParseFile(strings.NewReader(tt.in))
			checkParse(t, table, err, tt)
		})
	}
}

// specExample is the resolver file of the specification, section 1.
const specExample = `# three-domain lab
a.test   127.0.0.1:7001
b.test   127.0.0.1:7002   # the peer
c.test   [::1]:7003
`

// checkParse compares the outcome of parsing tt.in with what tt expects.
func checkParse(t *testing.T, table Table, err error, tt parseCase) {
	t.Helper()
	if tt.kind == nil {
		if err != nil {
			t.Fatalf("got error %v, want table %q", err, tt.want)
		}
		if got := table.String(); got != tt.want {
			t.Fatalf("got table %q, want %q", got, tt.want)
		}
		return
	}
	if err == nil {
		t.Fatalf("got table %q, want error %v", table, tt.kind)
	}
	var ee *EntryError
	if !errors.As(err, &ee) {
		t.Fatalf("got %T %v, want *EntryError", err, err)
	}
	if !errors.Is(err, tt.kind) {
		t.Errorf("got kind %v, want %v (%v)", ee.Kind, tt.kind, err)
	}
	if !strings.Contains(err.Error(), tt.message) {
		t.Errorf("got error %q, want it to contain %q", err, tt.message)
	}
	if table.Len() != 0 {
		t.Errorf("got a table of %d entries with the error, want none", table.Len())
	}
}

func TestDomainErrorKeepsAddressReason(t *testing.T) {
	_, err := Parse("a.test=127.0.0.1:1,A.test=127.0.0.1:2")
	if got := address.ReasonOf(err); got != address.NotCanonical {
		t.Errorf("got address reason %q, want %q (%v)", got, address.NotCanonical, err)
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "lab.conf")
	bad := filepath.Join(dir, "bad.conf")
	writeFile(t, good, specExample)
	writeFile(t, bad, "a.test 127.0.0.1:1\nb.test 127.0.0.1:65536\n")

	// Happy path: the file of the spec.
	table, err := LoadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := table.String(), "a.test=127.0.0.1:7001,b.test=127.0.0.1:7002,c.test=[::1]:7003"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}

	// Sad path: errors name the file and the line.
	if _, err := LoadFile(bad); err == nil || !strings.Contains(err.Error(), bad+" line 2 ") || !errors.Is(err, ErrPort) {
		t.Errorf("got %v, want an ErrPort naming %s line 2", err, bad)
	}
	// Sad path: a missing file is an error of the file system.
	if _, err := LoadFile(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want os.ErrNotExist", err)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
