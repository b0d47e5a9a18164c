package main

import (
	"encoding/hex"
	"fmt"

	"golang.org/x/crypto/curve25519"
)

// lowOrderPoints are X25519 public keys of small order (and their
// non-canonical encodings): with any private key the shared secret is all
// zeros, so a box to or from them is readable by anyone. libsodium refuses
// them; EMSG rejects them as box keys (bad_key).
var lowOrderPoints = []struct {
	name string
	hex  string
}{
	{"0 (order 4)", "0000000000000000000000000000000000000000000000000000000000000000"},
	{"1 (order 1)", "0100000000000000000000000000000000000000000000000000000000000000"},
	{"a point of order 8", "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"},
	{"another point of order 8", "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"},
	{"p - 1 (order 2)", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"},
	{"p, a non-canonical 0", "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"},
	{"p + 1, a non-canonical 1", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"},
}

// lowOrder decodes the i-th low-order point and checks that it really is
// one: X25519 with a fixed scalar gives the all-zero output.
func lowOrder(i int) ([]byte, error) {
	p, err := hex.DecodeString(lowOrderPoints[i].hex)
	if err != nil {
		return nil, err
	}
	if _, err := curve25519.X25519(det("low-order/check", 32), p); err == nil {
		return nil, fmt.Errorf("%s is not a low-order point", lowOrderPoints[i].name)
	}
	return p, nil
}
