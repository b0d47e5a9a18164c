package resolve

import (
	"fmt"
	"maps"
)

// builder collects checked entries while a [Table] is being made; the table
// it returns is never written again.
type builder struct {
	entries map[string]entry
}

// newBuilder starts from a copy of the entries of base.
func newBuilder(base Table) *builder {
	b := &builder{entries: make(map[string]entry, len(base.entries)+1)}
	maps.Copy(b.entries, base.entries)
	return b
}

// add checks one entry written at where (text is the entry as written) and
// records it.
func (b *builder) add(domain, hostport, where, text string) error {
	if kind, detail := checkEntry(domain, hostport); kind != nil {
		return &EntryError{Where: where, Entry: text, Kind: kind, Err: detail}
	}
	return b.insert(domain, entry{hostport: hostport, where: where, text: text})
}

// insert records an already checked entry, refusing a domain mapped before.
func (b *builder) insert(domain string, e entry) error {
	if prev, dup := b.entries[domain]; dup {
		return &EntryError{Where: e.where, Entry: e.text, Kind: ErrDuplicate,
			Err: fmt.Errorf("%s is already mapped by %s %s", domain, prev.where, quote(prev.text))}
	}
	b.entries[domain] = e
	return nil
}

// table returns the collected entries as a [Table].
func (b *builder) table() Table {
	if len(b.entries) == 0 {
		return Table{}
	}
	return Table{entries: b.entries}
}
