package account

import (
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/strict"
)

// parseSigned checks raw as a whole signed account object of type typ with
// exactly the members names, in the order of checks of package strict
// (the JSON text, the shape, "v" where there is one, the member set).
func parseSigned(raw []byte, typ string, names []string) (*strict.Reader, error) {
	shape := strict.Shape{Type: typ, Members: names}
	if slices.Contains(names, "v") {
		shape.Version = Version
	}
	return strict.Read(raw, shape)
}

// readBundle reads a key bundle member with [keys.ParseBundle], which is
// strict and checks the bundle's own signatures.
func readBundle(r *strict.Reader, name string) keys.Bundle {
	var b keys.Bundle
	r.Decode(name, func(raw []byte) (err error) {
		b, err = keys.ParseBundle(raw)
		return err
	})
	return b
}
