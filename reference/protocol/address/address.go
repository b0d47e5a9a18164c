package address

import (
	"errors"
	"fmt"
)

// Address is a parsed, canonical (lower-case) EMSG/1 address of an account
// or a group. Obtain one from [Parse]; two parsed addresses name the same
// account exactly when they are ==, so Address works as a map key.
//
// In JSON an Address is a string, both as a value and as an object member
// name (the "keys" map of an envelope). Decoding parses strictly; encoding
// refuses an Address that [Parse] would not return (including the zero
// Address — tag optional fields `json:",omitzero"`).
type Address struct {
	Local  string // the part before "#": the account or group name
	Domain string // the part after "#": the server that hosts it
}

// String returns the wire form "local#domain".
func (a Address) String() string { return a.Local + "#" + a.Domain }

// IsZero reports whether a is the zero Address (no address at all).
func (a Address) IsZero() bool { return a == Address{} }

// MarshalText returns the wire form, after checking that a is a valid,
// canonical address.
func (a Address) MarshalText() ([]byte, error) {
	if a.IsZero() {
		return nil, errors.New("address: cannot encode the zero Address")
	}
	s := a.String()
	if p, err := Parse(s); err != nil || p != a {
		return nil, fmt.Errorf("address: cannot encode non-canonical %q (build addresses with Parse)", s)
	}
	return []byte(s), nil
}

// UnmarshalText parses the wire form with [ParseCanonical]: an address
// decoded from a protocol object must already be canonical.
func (a *Address) UnmarshalText(text []byte) error {
	p, err := ParseCanonical(string(text))
	if err != nil {
		return err
	}
	*a = p
	return nil
}
