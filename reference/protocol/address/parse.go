package address

import "strings"

// Limits of the address grammar, in bytes (every valid address is ASCII).
const (
	MaxLocalLength  = 64                                   // longest local part
	MaxDomainLength = 253                                  // longest domain
	MaxLabelLength  = 63                                   // longest domain label
	MaxLength       = MaxLocalLength + 1 + MaxDomainLength // longest address: 318
)

// Parse folds s to lower case ("A"–"Z" only) and checks it against the
// address grammar. A failure is a [*wire.Error] with defect
// [wire.BadAddress] and the [Reason] in its Field.
func Parse(s string) (Address, error) {
	folded, err := fold(s)
	if err != nil {
		return Address{}, err
	}
	local, domain, err := split(folded, s)
	if err != nil {
		return Address{}, err
	}
	if err := checkLocal(local, s); err != nil {
		return Address{}, err
	}
	if err := checkDomain(domain, s); err != nil {
		return Address{}, err
	}
	return Address{Local: local, Domain: domain}, nil
}

// ParseCanonical parses an address carried inside a protocol object. Objects
// are signed and compared byte for byte, so their addresses must already be
// in canonical form: a valid address written any other way (in upper case)
// is rejected with reason [NotCanonical] rather than folded. [Parse] is for
// what people type and for URL path parameters.
func ParseCanonical(s string) (Address, error) {
	a, err := Parse(s)
	if err != nil {
		return Address{}, err
	}
	if a.String() != s {
		return Address{}, reject(NotCanonical, s, "write it in lower case, as %q", a.String())
	}
	return a, nil
}

// ParseCanonicalDomain is [ParseCanonical] for a bare domain (federation
// origins and destinations, session hosts).
func ParseCanonicalDomain(s string) (string, error) {
	d, err := ParseDomain(s)
	if err != nil {
		return "", err
	}
	if d != s {
		return "", reject(NotCanonical, s, "write it in lower case, as %q", d)
	}
	return d, nil
}

// MustParse is [Parse] for addresses known to be valid, such as constants in
// tests; it panics on an invalid address.
func MustParse(s string) Address {
	a, err := Parse(s)
	if err != nil {
		panic("address.MustParse: " + err.Error())
	}
	return a
}

// ParseDomain folds s to lower case and checks it against the domain rules
// of the grammar, for places that carry a bare domain (federation origins,
// session hosts, discovery documents).
func ParseDomain(s string) (string, error) {
	if s == "" {
		return "", reject(EmptyDomain, s, "the domain is empty")
	}
	folded, err := fold(s)
	if err != nil {
		return "", err
	}
	if err := checkDomain(folded, s); err != nil {
		return "", err
	}
	return folded, nil
}

// fold rejects the empty string and non-ASCII input, then lower-cases A–Z.
func fold(s string) (string, error) {
	if s == "" {
		return "", reject(Empty, s, "the address is empty")
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return "", reject(NonASCII, s, "non-ASCII byte 0x%02x at offset %d (an IDN must be given as its A-label)", s[i], i)
		}
	}
	return strings.ToLower(s), nil
}

// split cuts the folded address at its one "#".
func split(folded, orig string) (local, domain string, err error) {
	switch strings.Count(folded, "#") {
	case 0:
		return "", "", reject(NoSeparator, orig, `no "#" between local part and domain`)
	case 1:
		local, domain, _ = strings.Cut(folded, "#")
		return local, domain, nil
	default:
		return "", "", reject(ManySeparators, orig, `more than one "#"`)
	}
}

// checkLocal applies the local-part rules.
func checkLocal(local, orig string) error {
	switch {
	case local == "":
		return reject(EmptyLocal, orig, `nothing before the "#"`)
	case len(local) > MaxLocalLength:
		return reject(LocalTooLong, orig, "local part is %d characters, at most %d", len(local), MaxLocalLength)
	}
	for i := 0; i < len(local); i++ {
		if c := local[i]; !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return reject(LocalBadChar, orig, "local part character %q at offset %d is not one of a-z 0-9 . _ -", c, i)
		}
	}
	if !isAlnum(local[0]) || !isAlnum(local[len(local)-1]) {
		return reject(LocalBadEdge, orig, "local part must start and end with a letter or digit")
	}
	return nil
}

// checkDomain applies the domain rules to an already folded domain.
func checkDomain(domain, orig string) error {
	switch {
	case domain == "":
		return reject(EmptyDomain, orig, `nothing after the "#"`)
	case len(domain) > MaxDomainLength:
		return reject(DomainTooLong, orig, "domain is %d characters, at most %d", len(domain), MaxDomainLength)
	}
	labels := strings.Split(domain, ".")
	for i, label := range labels {
		if err := checkLabel(label, i, orig); err != nil {
			return err
		}
	}
	if len(labels) < 2 {
		return reject(SingleLabel, orig, "domain %q has a single label; a server domain has at least two", domain)
	}
	if allDigits(labels[len(labels)-1]) {
		return reject(NumericTLD, orig, "last label %q is all digits (IP literals are not addresses)", labels[len(labels)-1])
	}
	return nil
}

// checkLabel applies the rules of one LDH label; i is its position, for messages.
func checkLabel(label string, i int, orig string) error {
	switch {
	case label == "":
		return reject(LabelEmpty, orig, "domain label %d is empty", i+1)
	case len(label) > MaxLabelLength:
		return reject(LabelTooLong, orig, "domain label %d is %d characters, at most %d", i+1, len(label), MaxLabelLength)
	}
	for j := 0; j < len(label); j++ {
		if c := label[j]; !isAlnum(c) && c != '-' {
			return reject(LabelBadChar, orig, "domain label %d: character %q is not one of a-z 0-9 -", i+1, c)
		}
	}
	switch {
	case label[0] == '-' || label[len(label)-1] == '-':
		return reject(LabelHyphenEdge, orig, "domain label %q starts or ends with a hyphen", label)
	case len(label) >= 4 && label[2:4] == "--" && !strings.HasPrefix(label, "xn--"):
		return reject(LabelReservedHyphens, orig, `domain label %q has "--" at positions 3-4 but is not an A-label ("xn--")`, label)
	}
	return nil
}

func isAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
