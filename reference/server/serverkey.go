package server

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// serverKeyFile is the server key's file in the data directory.
const serverKeyFile = "server-key.json"

// firstKeyID names the key a new server creates.
const firstKeyID = "ed25519:k1"

// storedKey is the file form of a server key: its id and Ed25519 seed.
type storedKey struct {
	ID   string     `json:"id"`
	Seed wire.Bytes `json:"seed"`
}

// loadOrCreateKey reads the server key from dir, creating it (mode 0600,
// in a directory of mode 0700) the first time. A server keeps its key
// across restarts: peers cache it from the discovery document.
func loadOrCreateKey(dir string, deps wire.Deps) (fedsig.ServerKey, error) {
	path := filepath.Join(dir, serverKeyFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKey(dir, path, deps)
	}
	if err != nil {
		return fedsig.ServerKey{}, fmt.Errorf("read server key: %w", err)
	}
	var k storedKey
	if err := json.Unmarshal(raw, &k); err != nil || len(k.Seed) != ed25519.SeedSize {
		return fedsig.ServerKey{}, fmt.Errorf("read server key %s: not a stored key", path)
	}
	if err := fedsig.CheckKeyID(k.ID); err != nil {
		return fedsig.ServerKey{}, fmt.Errorf("read server key %s: %w", path, err)
	}
	return fedsig.ServerKey{ID: k.ID, Private: ed25519.NewKeyFromSeed(k.Seed)}, nil
}

func createKey(dir, path string, deps wire.Deps) (fedsig.ServerKey, error) {
	key, err := fedsig.NewServerKey(deps, firstKeyID)
	if err != nil {
		return fedsig.ServerKey{}, fmt.Errorf("create server key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fedsig.ServerKey{}, fmt.Errorf("create data directory: %w", err)
	}
	raw, _ := json.Marshal(storedKey{ID: key.ID, Seed: key.Private.Seed()})
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		return fedsig.ServerKey{}, fmt.Errorf("write server key: %w", err)
	}
	return key, nil
}
