package resolve

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that a rejection is always an
// *EntryError of a known kind, and that an accepted table prints back, in
// both syntaxes, to an equal table.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"a.test=127.0.0.1:7001,b.test=127.0.0.1:7002",
		"c.test=[::1]:7003",
		"a.test=localhost:1,b.test=server-b:65535",
		"a.test=127.0.0.1:1,a.test=127.0.0.1:2",
		"A.test=127.0.0.1:1",
		"a.test=[fe80::1%eth0]:1",
		"a.test=127.0.0.1:0,",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		table, err := Parse(s)
		if err != nil {
			checkRejection(t, err)
			return
		}
		checkRoundTrip(t, table)
	})
}

// FuzzParseFile is FuzzParse for the file format.
func FuzzParseFile(f *testing.F) {
	for _, seed := range []string{
		"",
		specExample,
		"a.test 127.0.0.1:7001\r\nb.test\t[::1]:2 # x\n\n",
		"a.test 127.0.0.1:1\na.test 127.0.0.1:1\n",
		"a.test\n",
		"a.test 127.0.0.1:1#c",
		"  # only\n\t\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		table, err := ParseFile(strings.NewReader(s))
		if err != nil {
			checkRejection(t, err)
			return
		}
		checkRoundTrip(t, table)
	})
}

// checkRejection fails the test unless err is an *EntryError of a known kind.
func checkRejection(t *testing.T, err error) {
	t.Helper()
	var ee *EntryError
	if !errors.As(err, &ee) {
		t.Fatalf("got %T %v, want *EntryError", err, err)
	}
	for _, kind := range []error{ErrSyntax, ErrDomain, ErrHost, ErrPort, ErrDuplicate} {
		if ee.Kind == kind {
			return
		}
	}
	t.Fatalf("unknown kind %v in %v", ee.Kind, err)
}

// checkRoundTrip fails the test unless both printed forms of table parse
// back to an equal table, and every domain is looked up to its entry.
func checkRoundTrip(t *testing.T, table Table) {
	t.Helper()
	back, err := Parse(table.String())
	if err != nil || !back.Equal(table) {
		t.Fatalf("Parse(%q) = %q, %v; want the same table", table.String(), back, err)
	}
	fromFile, err := ParseFile(strings.NewReader(table.FileText()))
	if err != nil || !fromFile.Equal(table) {
		t.Fatalf("ParseFile(%q) = %q, %v; want the same table", table.FileText(), fromFile, err)
	}
	for _, d := range table.Domains() {
		if _, ok := table.Lookup(d); !ok {
			t.Fatalf("Lookup(%q) failed for a listed domain", d)
		}
		if u, err := table.BaseURL(d); err != nil || u != "http://"+d {
			t.Fatalf("BaseURL(%q) = %q, %v; want http://%s", d, u, err, d)
		}
	}
}
