package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/emsg-project/emsg/reference/protocol/keys"
)

// KeystoreFile is the name of the keystore inside a client directory: the
// account's private keys as [keys.PrivateKeys] JSON.
const KeystoreFile = "identity.json"

// Modes of what a client creates (CLIENT-KEY-02): the keystore and the local
// store are readable and writable by their owner only, in a directory only
// the owner can enter.
const (
	FileMode fs.FileMode = 0o600
	DirMode  fs.FileMode = 0o700
)

var (
	// ErrNoIdentity reports a client directory without a keystore: the
	// account is not registered from this directory yet.
	ErrNoIdentity = errors.New("no keystore: register first")
	// ErrIdentityExists reports a keystore that is already there when a new
	// identity would replace it.
	ErrIdentityExists = errors.New("a keystore already exists")
	// ErrKeystoreMode reports a keystore that others may read or write: the
	// keys in it may be known to someone else, so the client refuses it.
	ErrKeystoreMode = errors.New("keystore is accessible to others")
)

// SaveIdentity writes id's private keys to dir's keystore, creating dir
// with [DirMode] and the file with [FileMode]. The file is written
// beside its final name, synced and renamed, so a crash leaves either the
// old keystore or the new one, never half of one. An existing keystore is
// [ErrIdentityExists].
//
// This is the only place private keys are serialised (CLIENT-KEY-01): no
// request, notice or export of this package carries them.
func SaveIdentity(dir string, id *keys.Identity) error {
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return fmt.Errorf("keystore: %w", err)
	}
	path := filepath.Join(dir, KeystoreFile)
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("keystore %s: %w", path, ErrIdentityExists)
	}
	return writeIdentity(path, id)
}

// replaceIdentity replaces dir's keystore by id, atomically: after a move,
// the same keys under the new address.
func replaceIdentity(dir string, id *keys.Identity) error {
	return writeIdentity(filepath.Join(dir, KeystoreFile), id)
}

// writeIdentity writes id's private keys to path.
func writeIdentity(path string, id *keys.Identity) error {
	raw, err := json.Marshal(id.PrivateKeys())
	if err != nil {
		return fmt.Errorf("keystore: encode: %w", err)
	}
	if err := writeFileAtomic(path, raw); err != nil {
		return fmt.Errorf("keystore: %w", err)
	}
	return nil
}

// LoadIdentity reads dir's keystore. A missing one is [ErrNoIdentity]; one
// that is not a regular file or whose mode lets anyone but the owner read
// or write it is [ErrKeystoreMode] (on POSIX systems); one whose keys do
// not match their bundle fails as [keys.FromPrivateKeys] reports.
func LoadIdentity(dir string) (*keys.Identity, error) {
	path := filepath.Join(dir, KeystoreFile)
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("keystore %s: %w", path, ErrNoIdentity)
	}
	if err != nil {
		return nil, fmt.Errorf("keystore: %w", err)
	}
	if err := checkPrivate(info); err != nil {
		return nil, fmt.Errorf("keystore %s: %w", path, err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keystore: %w", err)
	}
	var pk keys.PrivateKeys
	if err := json.Unmarshal(raw, &pk); err != nil {
		return nil, fmt.Errorf("keystore %s: decode: %w", path, err)
	}
	id, err := keys.FromPrivateKeys(pk)
	if err != nil {
		return nil, fmt.Errorf("keystore %s: %w", path, err)
	}
	return id, nil
}

// checkPrivate refuses a file that is not regular (a symbolic link may
// point anywhere) or that grants any permission to group or others.
// Windows has no POSIX modes; its ACLs are left to the user profile.
func checkPrivate(info fs.FileInfo) error {
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%w: not a regular file (%s)", ErrKeystoreMode, info.Mode().Type())
	}
	if runtime.GOOS == "windows" {
		return nil
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("%w: mode %04o, want %04o (chmod 600)", ErrKeystoreMode, perm, FileMode)
	}
	return nil
}

// writeFileAtomic writes data to path with [FileMode] through a temporary
// file in the same directory, synced before the rename.
func writeFileAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(FileMode); err != nil {
		return err
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
