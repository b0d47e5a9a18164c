package client

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
)

// newTestIdentity makes addr's keys from a seed.
func newTestIdentity(t *testing.T, addr string) *keys.Identity {
	t.Helper()
	id, err := keys.NewIdentity(wire.Seeded("client-test/"+addr, time.UnixMilli(1700000000000)), address.MustParse(addr))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestKeystoreModes: the keystore is created owner-only (CLIENT-KEY-02)
// and a keystore others may access is refused.
func TestKeystoreModes(t *testing.T) {
	id := newTestIdentity(t, "alice#a.test")
	tests := []struct {
		name string
		mode fs.FileMode
		ok   bool
	}{
		// happy path
		{"owner read-write, as created", 0o600, true},
		{"owner read-only", 0o400, true},
		// sad path
		{"readable by everyone", 0o644, false},
		{"readable by the group", 0o640, false},
		{"writable by the group", 0o620, false},
		{"readable by others only", 0o604, false},
		{"everything to everyone", 0o777, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "alice")
			if err := SaveIdentity(dir, id); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, KeystoreFile)
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			got, err := LoadIdentity(dir)
			if tt.ok {
				if err != nil || !same(got.Bundle(), id.Bundle()) || got.BoxPrivate() == nil || *got.BoxPrivate() != *id.BoxPrivate() {
					t.Fatalf("LoadIdentity: %v, want the saved keys", err)
				}
				return
			}
			if !errors.Is(err, ErrKeystoreMode) {
				t.Fatalf("LoadIdentity with mode %04o: %v, want ErrKeystoreMode", tt.mode, err)
			}
			if _, err := New(dir, resolve.Table{}); !errors.Is(err, ErrKeystoreMode) {
				t.Fatalf("New with mode %04o: %v, want ErrKeystoreMode", tt.mode, err)
			}
		})
	}
}

// TestKeystoreCreation: SaveIdentity makes a 0700 directory and a 0600
// file, and neither overwrites a keystore nor finds one that is absent.
func TestKeystoreCreation(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "alice")
	id := newTestIdentity(t, "alice#a.test")
	if _, err := LoadIdentity(dir); !errors.Is(err, ErrNoIdentity) {
		t.Fatalf("LoadIdentity of nothing: %v, want ErrNoIdentity", err)
	}
	if err := SaveIdentity(dir, id); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]fs.FileMode{dir: DirMode, filepath.Join(dir, KeystoreFile): FileMode} {
		info, err := os.Stat(path)
		if err != nil || info.Mode().Perm() != want {
			t.Fatalf("%s: mode %v (%v), want %04o", path, info.Mode().Perm(), err, want)
		}
	}
	if err := SaveIdentity(dir, newTestIdentity(t, "bob#a.test")); !errors.Is(err, ErrIdentityExists) {
		t.Fatalf("second SaveIdentity: %v, want ErrIdentityExists", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries, want the keystore only (no temporary file left)", len(entries))
	}
}

// TestKeystoreSymlinkRefused: a keystore that is a symbolic link (which
// may point anywhere) is refused.
func TestKeystoreSymlinkRefused(t *testing.T) {
	elsewhere := filepath.Join(t.TempDir(), "real")
	if err := SaveIdentity(elsewhere, newTestIdentity(t, "alice#a.test")); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(elsewhere, KeystoreFile), filepath.Join(dir, KeystoreFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadIdentity(dir); !errors.Is(err, ErrKeystoreMode) {
		t.Fatalf("LoadIdentity of a symlink: %v, want ErrKeystoreMode", err)
	}
}

// TestStoreModeRefused: the local store is held to the keystore's rule.
func TestStoreModeRefused(t *testing.T) {
	dir := t.TempDir()
	c, err := New(dir, resolve.Table{})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	info, err := os.Stat(filepath.Join(dir, StoreFile))
	if err != nil || info.Mode().Perm() != FileMode {
		t.Fatalf("store mode %v (%v), want %04o", info.Mode().Perm(), err, FileMode)
	}
	if err := os.Chmod(filepath.Join(dir, StoreFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(dir, resolve.Table{}); !errors.Is(err, ErrKeystoreMode) {
		t.Fatalf("New with a 0644 store: %v, want ErrKeystoreMode", err)
	}
}
