package resolve

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func mustParse(t *testing.T, s string) Table {
	t.Helper()
	table, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return table
}

func TestLookup(t *testing.T) {
	table := mustParse(t, "a.test=127.0.0.1:7001,c.test=[::1]:7003")
	tests := []struct {
		domain string
		want   string
		ok     bool
	}{
		// Happy path.
		{"a.test", "127.0.0.1:7001", true}, // mapped
		{"c.test", "[::1]:7003", true},     // IPv6 kept in brackets, ready to dial
		{"A.TEST", "127.0.0.1:7001", true}, // DNS names compare without case
		// Sad path.
		{"b.test", "", false},      // not mapped
		{"a.test.", "", false},     // a trailing dot is another name
		{"127.0.0.1", "", false},   // a target is not a domain
		{"", "", false},            // empty
		{"x.a.test", "", false},    // no wildcards
		{"a.test:7001", "", false}, // a host:port is not a domain
	}
	for _, tt := range tests {
		got, ok := table.Lookup(tt.domain)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tt.domain, got, ok, tt.want, tt.ok)
		}
	}
}

func TestZeroTable(t *testing.T) {
	var table Table
	if _, ok := table.Lookup("a.test"); ok || table.Len() != 0 || table.String() != "" || table.FileText() != "" || len(table.Domains()) != 0 {
		t.Errorf("zero table maps something: %q", table)
	}
	if !table.Equal(mustParse(t, "")) {
		t.Error("zero table differs from the parsed empty table")
	}
}

func TestDomainsAndPrinting(t *testing.T) {
	table := mustParse(t, "c.test=[::1]:7003,a.test=127.0.0.1:7001,b.test=localhost:7002")
	if got, want := table.Domains(), []string{"a.test", "b.test", "c.test"}; !slices.Equal(got, want) {
		t.Errorf("Domains() = %v, want %v", got, want)
	}
	wantFile := "a.test 127.0.0.1:7001\nb.test localhost:7002\nc.test [::1]:7003\n"
	if got := table.FileText(); got != wantFile {
		t.Errorf("FileText() = %q, want %q", got, wantFile)
	}
	back, err := ParseFile(strings.NewReader(table.FileText()))
	if err != nil || !back.Equal(table) {
		t.Errorf("ParseFile(FileText()) = %q, %v; want %q", back, err, table)
	}
	// Domains returns a copy: changing it leaves the table alone.
	table.Domains()[0] = "z.test"
	if _, ok := table.Lookup("a.test"); !ok {
		t.Error("changing the result of Domains changed the table")
	}
}

func TestEqual(t *testing.T) {
	a := mustParse(t, "a.test=127.0.0.1:1,b.test=127.0.0.1:2")
	tests := []struct {
		other string
		want  bool
	}{
		{"b.test=127.0.0.1:2,a.test=127.0.0.1:1", true},  // order does not matter
		{"a.test=127.0.0.1:1", false},                    // fewer domains
		{"a.test=127.0.0.1:1,b.test=127.0.0.1:3", false}, // another port
		{"a.test=127.0.0.1:1,c.test=127.0.0.1:2", false}, // another domain
	}
	for _, tt := range tests {
		if got := a.Equal(mustParse(t, tt.other)); got != tt.want {
			t.Errorf("Equal(%q) = %v, want %v", tt.other, got, tt.want)
		}
	}
}

func TestWith(t *testing.T) {
	base := mustParse(t, "a.test=127.0.0.1:7001")

	// Happy path: a new table, the old one unchanged.
	more, err := base.With("b.test", "127.0.0.1:7002")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := more.String(), "a.test=127.0.0.1:7001,b.test=127.0.0.1:7002"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := base.String(), "a.test=127.0.0.1:7001"; got != want {
		t.Errorf("With changed its receiver: got %q, want %q", got, want)
	}
	// Happy path: the zero table is a starting point.
	if one, err := (Table{}).With("c.test", "[::1]:1"); err != nil || one.String() != "c.test=[::1]:1" {
		t.Errorf("got %q, %v; want c.test=[::1]:1", one, err)
	}

	// Sad path: entries are checked like those of EMSG_RESOLVE.
	sad := []struct {
		domain, hostport string
		kind             error
	}{
		{"a.test", "127.0.0.1:9", ErrDuplicate}, // already mapped
		{"A.test", "127.0.0.1:9", ErrDomain},    // not canonical
		{"b.test", "127.0.0.1", ErrHost},        // no port
		{"b.test", "127.0.0.1:0", ErrPort},      // port zero
	}
	for _, tt := range sad {
		if _, err := base.With(tt.domain, tt.hostport); !errors.Is(err, tt.kind) {
			t.Errorf("With(%q, %q): got %v, want %v", tt.domain, tt.hostport, err, tt.kind)
		}
	}
}

func TestMerge(t *testing.T) {
	a := mustParse(t, "a.test=127.0.0.1:7001")
	bc := mustParse(t, "b.test=127.0.0.1:7002,c.test=[::1]:7003")

	// Happy path: disjoint tables, in either order.
	for _, pair := range [][2]Table{{a, bc}, {bc, a}} {
		merged, err := pair[0].Merge(pair[1])
		if err != nil {
			t.Fatal(err)
		}
		if got, want := merged.String(), "a.test=127.0.0.1:7001,b.test=127.0.0.1:7002,c.test=[::1]:7003"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	// Happy path: merging the empty table changes nothing.
	if merged, err := a.Merge(Table{}); err != nil || !merged.Equal(a) {
		t.Errorf("got %q, %v; want %q", merged, err, a)
	}

	// Sad path: an overlap is refused, even an identical entry, naming both.
	_, err := a.Merge(mustParse(t, "b.test=127.0.0.1:7002,a.test=127.0.0.1:7001"))
	if !errors.Is(err, ErrDuplicate) {
		t.Fatalf("got %v, want ErrDuplicate", err)
	}
	want := `EMSG_RESOLVE entry 2 "a.test=127.0.0.1:7001": domain mapped twice: a.test is already mapped by EMSG_RESOLVE entry 1 "a.test=127.0.0.1:7001"`
	if err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}

func TestEntryErrorQuotesLongInputShort(t *testing.T) {
	_, err := Parse(strings.Repeat("x", 10000) + "=127.0.0.1:1")
	if err == nil || len(err.Error()) > 600 {
		t.Errorf("got an error of %d bytes, want a short one: %.200v", len(err.Error()), err)
	}
}
