package address

import (
	"errors"
	"fmt"
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Reason says which rule of the address grammar an input broke. It is the
// Field of the [*wire.Error] that [Parse] and [ParseDomain] return, and the
// test vectors state it for every invalid address.
type Reason string

// The reasons an address is rejected, in the order [Parse] checks them.
const (
	Empty                Reason = "empty"                  // the input is the empty string
	NonASCII             Reason = "non_ascii"              // a byte outside ASCII (IDNs travel as A-labels)
	NoSeparator          Reason = "no_separator"           // no "#" between local part and domain
	ManySeparators       Reason = "many_separators"        // more than one "#"
	EmptyLocal           Reason = "empty_local"            // nothing before the "#"
	LocalTooLong         Reason = "local_too_long"         // local part longer than 64 characters
	LocalBadChar         Reason = "local_bad_char"         // local part character outside [a-z0-9._-]
	LocalBadEdge         Reason = "local_bad_edge"         // local part starts or ends with ".", "_" or "-"
	EmptyDomain          Reason = "empty_domain"           // nothing after the "#"
	DomainTooLong        Reason = "domain_too_long"        // domain longer than 253 characters
	LabelEmpty           Reason = "label_empty"            // an empty label: "..", a leading or trailing "."
	LabelTooLong         Reason = "label_too_long"         // a label longer than 63 characters
	LabelBadChar         Reason = "label_bad_char"         // a label character outside [a-z0-9-]
	LabelHyphenEdge      Reason = "label_hyphen_edge"      // a label starts or ends with "-"
	LabelReservedHyphens Reason = "label_reserved_hyphens" // "--" at positions 3–4 of a label not starting "xn--"
	SingleLabel          Reason = "single_label"           // a domain of one label ("localhost")
	NumericTLD           Reason = "numeric_tld"            // the last label is all digits (an IP literal)
	NotCanonical         Reason = "not_canonical"          // valid, but an object must carry it in lower case
)

// Reasons lists every [Reason] in the order the checks run.
var Reasons = []Reason{
	Empty, NonASCII, NoSeparator, ManySeparators,
	EmptyLocal, LocalTooLong, LocalBadChar, LocalBadEdge,
	EmptyDomain, DomainTooLong, LabelEmpty, LabelTooLong, LabelBadChar,
	LabelHyphenEdge, LabelReservedHyphens, SingleLabel, NumericTLD, NotCanonical,
}

// ReasonOf returns the [Reason] of an address error, or "" when err is nil
// or carries no [wire.BadAddress] error. The reason is found however deeply
// the address error is wrapped: a decoder that reports the bad address as a
// failure of its member ("peer") keeps the grammar's reason underneath.
func ReasonOf(err error) Reason {
	for err != nil {
		var e *wire.Error
		if !errors.As(err, &e) {
			return ""
		}
		if r := Reason(e.Field); e.Defect == wire.BadAddress && slices.Contains(Reasons, r) {
			return r
		}
		err = e.Err
	}
	return ""
}

// reject returns the [wire.BadAddress] error for input s broken by reason r.
func reject(r Reason, s, format string, args ...any) *wire.Error {
	return wire.Errorf(wire.BadAddress, string(r), "%s: %s", quote(s), fmt.Sprintf(format, args...))
}

// quote returns s quoted for an error message, shortened when it is long so
// that hostile input cannot bloat logs.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		return fmt.Sprintf("%q...(%d bytes)", s[:max], len(s))
	}
	return fmt.Sprintf("%q", s)
}
