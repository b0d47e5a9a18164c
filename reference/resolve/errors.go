package resolve

import (
	"errors"
	"fmt"
)

// The kinds of [EntryError]: errors.Is(err, ErrPort) tells a caller which
// rule an entry broke, whatever the source and however deeply wrapped.
var (
	ErrSyntax    = errors.New("malformed entry")     // not "domain=host:port" / "domain host:port", or an empty entry
	ErrDomain    = errors.New("invalid domain")      // the domain breaks the address grammar or is not in lower case
	ErrHost      = errors.New("invalid host")        // not a DNS name, an IPv4 address or a bracketed IPv6 address
	ErrPort      = errors.New("invalid port")        // not a decimal number in 1-65535
	ErrDuplicate = errors.New("domain mapped twice") // the domain is already mapped, by this source or the other
)

// ErrPlainHTTP is returned by the round tripper of [Table.Client] for an
// http:// or ws:// request to a domain the table does not map: plain HTTP is
// allowed only for mapped domains (RESOLVE-TLS-01).
var ErrPlainHTTP = errors.New("plain HTTP to a domain the resolver table does not map")

// ErrRedirect is returned by a [Table.Client] request that was answered with
// a redirect: a domain cannot delegate its voice to another host, so a
// redirect counts as a failed request (ADDR-REDIRECT-01).
var ErrRedirect = errors.New("redirect refused")

// EntryError is a rejected resolver-table entry. An implementation must
// refuse to start with it (RESOLVE-BAD-01), and its message names the entry:
//
//	EMSG_RESOLVE entry 2 "b.test=127.0.0.1:0": invalid port: 0 is outside 1-65535
//	lab.conf line 3 "c.test": malformed entry: want two fields, "domain host:port", got 1
type EntryError struct {
	Where string // "EMSG_RESOLVE entry 2", "lab.conf line 3" or "line 3"
	Entry string // the entry as written, without its comment
	Kind  error  // ErrSyntax, ErrDomain, ErrHost, ErrPort or ErrDuplicate
	Err   error  // the detail; for ErrDomain the address package's *wire.Error
}

func (e *EntryError) Error() string {
	return fmt.Sprintf("%s %s: %v: %v", e.Where, quote(e.Entry), e.Kind, e.Err)
}

// Unwrap returns both the kind and the detail, so that errors.Is(err,
// ErrDomain) and address.ReasonOf(err) both work.
func (e *EntryError) Unwrap() []error { return []error{e.Kind, e.Err} }

// quote returns s quoted for an error message, shortened when it is long so
// that hostile input cannot bloat logs.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		return fmt.Sprintf("%q...(%d bytes)", s[:max], len(s))
	}
	return fmt.Sprintf("%q", s)
}
