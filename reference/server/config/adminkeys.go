package config

import (
	"crypto/ed25519"
	"fmt"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// OperatorKeys parses EMSG_ADMIN_KEYS: entries ed25519:<id>=<public key>,
// the key 32 bytes of unpadded base64url. It returns the keys by their
// key id ("ed25519:op1"); an id named twice is an error, since the admin
// API could not tell which key signed.
func (c Config) OperatorKeys() (map[string]ed25519.PublicKey, error) {
	keys := make(map[string]ed25519.PublicKey, len(c.AdminKeys))
	for _, entry := range c.AdminKeys {
		id, pub, err := parseOperatorKey(entry)
		if err != nil {
			return nil, fmt.Errorf("EMSG_ADMIN_KEYS: %w", err)
		}
		if _, dup := keys[id]; dup {
			return nil, fmt.Errorf("EMSG_ADMIN_KEYS: key %s is listed twice", id)
		}
		keys[id] = pub
	}
	return keys, nil
}

// parseOperatorKey parses one ed25519:<id>=<base64url key> entry.
func parseOperatorKey(entry string) (string, ed25519.PublicKey, error) {
	id, encoded, ok := strings.Cut(entry, "=")
	if !ok {
		return "", nil, fmt.Errorf("%.80q: want ed25519:<id>=<base64url public key>", entry)
	}
	if err := fedsig.CheckKeyID(id); err != nil {
		return "", nil, fmt.Errorf("%.80q: %w", entry, err)
	}
	raw, err := wire.DecodeBytes(encoded)
	if err != nil {
		return "", nil, fmt.Errorf("key %s: %w", id, err)
	}
	if len(raw) != ed25519.PublicKeySize {
		return "", nil, fmt.Errorf("key %s has %d bytes, want %d", id, len(raw), ed25519.PublicKeySize)
	}
	return id, ed25519.PublicKey(raw), nil
}
