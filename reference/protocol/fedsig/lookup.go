package fedsig

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// KeyLookup finds the public key a server (or, for [SchemeAdmin], the
// operator) publishes under a key id. A federation receiver answers from the
// origin's discovery document ("server_keys"), usually through a cache; the
// admin API answers from its operator configuration; tests use [StaticKeys].
//
// ServerKey returns a nil key and a nil error when origin has no key of that
// id. Any error is reported by the verifier as [wire.UnknownKey], with the
// error as its cause so that callers can tell a failed fetch from an unknown
// key with errors.As.
type KeyLookup interface {
	ServerKey(ctx context.Context, origin, id string) (ed25519.PublicKey, error)
}

// KeyLookupFunc adapts a function to [KeyLookup].
type KeyLookupFunc func(ctx context.Context, origin, id string) (ed25519.PublicKey, error)

// ServerKey calls f.
func (f KeyLookupFunc) ServerKey(ctx context.Context, origin, id string) (ed25519.PublicKey, error) {
	return f(ctx, origin, id)
}

// StaticKeys is a fixed [KeyLookup]: origin → key id → public key.
type StaticKeys map[string]map[string]ed25519.PublicKey

// ServerKey returns the key, or nil when there is none.
func (s StaticKeys) ServerKey(_ context.Context, origin, id string) (ed25519.PublicKey, error) {
	return s[origin][id], nil
}

// Add records k as a key of origin and returns s, creating maps as needed.
func (s StaticKeys) Add(origin string, k ServerKey) StaticKeys {
	if s[origin] == nil {
		s[origin] = make(map[string]ed25519.PublicKey)
	}
	s[origin][k.ID] = k.Public()
	return s
}

// Compile-time checks that the adapters implement the interface.
var (
	_ KeyLookup = KeyLookupFunc(nil)
	_ KeyLookup = StaticKeys(nil)
)

// Lookup asks keys for origin's key id and returns it as a checked Ed25519
// public key. A nil lookup, a lookup error or no such key is
// [wire.UnknownKey] (a lookup error stays reachable with errors.As); a key
// that is not 32 bytes is [wire.BadKey]. Verifiers of server signatures
// (requests here, session tickets in package ticket) share it.
func Lookup(ctx context.Context, keys KeyLookup, origin, id string) (ed25519.PublicKey, error) {
	if keys == nil {
		return nil, wire.Errorf(wire.UnknownKey, "key", "no key lookup configured")
	}
	pub, err := keys.ServerKey(ctx, origin, id)
	if err != nil {
		return nil, wire.Wrap(wire.UnknownKey, "key", fmt.Errorf("look up %s of %s: %w", id, origin, err))
	}
	if pub == nil {
		return nil, wire.Errorf(wire.UnknownKey, "key", "%s publishes no key %s", origin, id)
	}
	if len(pub) != ed25519.PublicKeySize {
		return nil, wire.Errorf(wire.BadKey, "key", "%s publishes a %d-byte key %s, want %d", origin, len(pub), id, ed25519.PublicKeySize)
	}
	return pub, nil
}
