package account

import (
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/strict"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// This file holds the checks the four signed account objects share.

// checkDomain requires a domain in canonical form (bad_address otherwise).
func checkDomain(field, s string) error {
	_, err := address.ParseCanonicalDomain(s)
	return strict.At(field, err)
}

// checkAddress requires a non-zero address (bad_address otherwise).
func checkAddress(field string, a address.Address) error {
	if a.IsZero() {
		return wire.Errorf(wire.BadAddress, field, "address is required")
	}
	return nil
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }
