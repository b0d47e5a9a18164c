// Package address parses and prints EMSG/1 addresses, the `local#domain`
// names of accounts and groups.
//
// # Grammar
//
// An address is a local part and a domain joined by exactly one "#":
//
//   - local: 1–64 characters of [a-z0-9._-], the first and the last a
//     letter or a digit;
//   - domain: a lower-case ASCII hostname of at most 253 characters, made of
//     at least two labels joined by "."; each label 1–63 characters of
//     [a-z0-9-], not starting or ending with "-"; a label with "--" at
//     positions 3–4 must be an A-label ("xn--"); the last label is not all
//     digits (no IP literals); no trailing dot.
//
// The whole address is therefore at most 318 characters ([MaxLength]).
//
// # Normalisation
//
// The only normalisation is ASCII case folding: "A"–"Z" become "a"–"z".
// Nothing is ever repaired: whitespace, non-ASCII characters (an IDN travels
// as its A-label), "@", percent-encoding and every other deviation are
// rejected. [Parse] of an address's [Address.String] returns the same
// address, so the printed form is canonical and comparable with ==.
//
// # Failures
//
// [Parse] and [ParseDomain] fail with a [*wire.Error] whose Defect is
// [wire.BadAddress] and whose Field is the [Reason], one word saying which
// rule the input broke (`empty`, `local_bad_edge`, `numeric_tld`, ...).
// When several rules are broken, the first failing check is reported, so
// every implementation can report the same reason for the same input. The
// checks run in the order of [Reasons], except that the per-label rules
// (`label_empty` to `label_reserved_hyphens`) run label by label, left to
// right: in "a#-a.b_c.test" the first label's `label_hyphen_edge` wins over
// the second label's `label_bad_char`.
package address
