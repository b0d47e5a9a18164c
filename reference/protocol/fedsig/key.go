package fedsig

import (
	"crypto/ed25519"
	"fmt"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// KeyIDPrefix starts every server key id: the algorithm, then a name.
const KeyIDPrefix = "ed25519:"

// maxKeyName is the longest name after [KeyIDPrefix].
const maxKeyName = 32

// ServerKey is one Ed25519 key of a server (or of an admin operator), named
// by the id it is published under in the discovery document's "server_keys"
// (or in the server's operator configuration). Servers sign federation
// requests and session tickets with it.
type ServerKey struct {
	ID      string // "ed25519:" + 1–32 of [A-Za-z0-9_], checked by [CheckKeyID]
	Private ed25519.PrivateKey
}

// NewServerKey derives a server key from a 32-byte seed read from deps.Rand,
// so that a seeded [wire.Deps] always yields the same key.
func NewServerKey(deps wire.Deps, id string) (ServerKey, error) {
	if err := CheckKeyID(id); err != nil {
		return ServerKey{}, fmt.Errorf("new server key: %w", err)
	}
	seed, err := deps.Read(ed25519.SeedSize)
	if err != nil {
		return ServerKey{}, fmt.Errorf("new server key: read seed: %w", err)
	}
	return ServerKey{ID: id, Private: ed25519.NewKeyFromSeed(seed)}, nil
}

// Public returns the public half, as published under k.ID.
func (k ServerKey) Public() ed25519.PublicKey {
	return k.Private.Public().(ed25519.PublicKey)
}

// CheckKeyID reports whether id is a well-formed server key id:
// "ed25519:" followed by 1 to 32 characters of [A-Za-z0-9_]. A bad id is
// [wire.Malformed] in field "key".
func CheckKeyID(id string) error {
	name, ok := strings.CutPrefix(id, KeyIDPrefix)
	if !ok {
		return wire.Errorf(wire.Malformed, "key", "key id %q does not start with %q", id, KeyIDPrefix)
	}
	if len(name) == 0 || len(name) > maxKeyName {
		return wire.Errorf(wire.Malformed, "key", "key id %q: name must be 1 to %d characters", id, maxKeyName)
	}
	for i := 0; i < len(name); i++ {
		if !isKeyNameChar(name[i]) {
			return wire.Errorf(wire.Malformed, "key", "key id %q: character %q is not in [A-Za-z0-9_]", id, name[i])
		}
	}
	return nil
}

func isKeyNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}
