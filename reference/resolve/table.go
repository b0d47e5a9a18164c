package resolve

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Table is a resolver table: the domains of a test or lab environment and
// the host:port each one's server listens on. Servers, clients, the
// conformance harness and the load simulator all take one, usually from
// [FromEnv].
//
// A Table is immutable: [Table.With] and [Table.Merge] return new tables.
// It is therefore safe for concurrent use. The zero Table is empty and maps
// nothing, so every domain is reached over HTTPS as usual.
type Table struct {
	entries map[string]entry // by canonical domain; never written after construction
}

// entry is one mapping and where it was written, to name both places when a
// domain is mapped twice.
type entry struct {
	hostport string
	where    string // "EMSG_RESOLVE entry 2", "lab.conf line 3"
	text     string // the entry as written
}

// Lookup returns the host:port that domain is mapped to. The domain is
// compared without regard to ASCII case, as DNS names are, so the host of a
// URL such as "http://A.test/" finds the entry of "a.test".
func (t Table) Lookup(domain string) (hostport string, ok bool) {
	e, ok := t.entries[strings.ToLower(domain)]
	return e.hostport, ok
}

// Len returns the number of mapped domains.
func (t Table) Len() int { return len(t.entries) }

// Domains returns the mapped domains in sorted order.
func (t Table) Domains() []string { return slices.Sorted(maps.Keys(t.entries)) }

// Equal reports whether t and u map the same domains to the same host:port
// (where each entry was written does not matter).
func (t Table) Equal(u Table) bool {
	return maps.EqualFunc(t.entries, u.entries, func(a, b entry) bool { return a.hostport == b.hostport })
}

// String returns the table in the syntax of EMSG_RESOLVE, domains sorted:
//
//	a.test=127.0.0.1:7001,b.test=127.0.0.1:7002
//
// A deployment prints it so that its clients can be given the same table;
// [Parse] of the result returns an equal table. The empty table is "".
func (t Table) String() string {
	parts := make([]string, 0, len(t.entries))
	for _, d := range t.Domains() {
		parts = append(parts, d+"="+t.entries[d].hostport)
	}
	return strings.Join(parts, ",")
}

// FileText returns the table in the file format of EMSG_RESOLVE_FILE, one
// "domain host:port" line per domain, sorted; [ParseFile] of the result
// returns an equal table.
func (t Table) FileText() string {
	var b strings.Builder
	for _, d := range t.Domains() {
		fmt.Fprintf(&b, "%s %s\n", d, t.entries[d].hostport)
	}
	return b.String()
}

// With returns a copy of t that also maps domain to hostport, for programs
// that build a table themselves (a harness mapping "a.test" to the address
// of an httptest server). The entry is checked like one of EMSG_RESOLVE; a
// domain t already maps is an [ErrDuplicate].
func (t Table) With(domain, hostport string) (Table, error) {
	b := newBuilder(t)
	if err := b.add(domain, hostport, "resolver entry", domain+"="+hostport); err != nil {
		return Table{}, err
	}
	return b.table(), nil
}

// Merge returns a table with the entries of both t and u. A domain may
// appear only once across the sources of a table, so a domain mapped by
// both is an [ErrDuplicate] naming both entries, even when they agree.
func (t Table) Merge(u Table) (Table, error) {
	b := newBuilder(t)
	for _, d := range u.Domains() {
		if err := b.insert(d, u.entries[d]); err != nil {
			return Table{}, err
		}
	}
	return b.table(), nil
}
