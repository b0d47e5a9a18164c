package envelope

import (
	"bytes"
	"testing"

	"golang.org/x/crypto/curve25519"
	"golang.org/x/crypto/nacl/box"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

func TestSealKeyMatchesNaClAndOpens(t *testing.T) {
	secret := bytes.Repeat([]byte{7}, 32)
	pub, _ := curve25519.X25519(secret, curve25519.Basepoint)
	eph := bytes.Repeat([]byte{9}, 32)
	msg := []byte("a 32-byte content key, for real.")

	sealed, err := SealKey(msg, pub, eph)
	if err != nil {
		t.Fatal(err)
	}
	want, err := box.SealAnonymous(nil, msg, (*[32]byte)(pub), bytes.NewReader(eph))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sealed, want) {
		t.Fatalf("SealKey differs from box.SealAnonymous with the same ephemeral secret")
	}
	got, err := OpenKey(sealed, secret)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("OpenKey = %q, %v; want the message", got, err)
	}
}

func TestSealKeyAndOpenKeyRefuse(t *testing.T) {
	secret := bytes.Repeat([]byte{7}, 32)
	pub, _ := curve25519.X25519(secret, curve25519.Basepoint)
	eph := bytes.Repeat([]byte{9}, 32)
	sealed, _ := SealKey([]byte("key"), pub, eph)
	lowOrder := make([]byte, 32) // the point 0, of order 4
	forged := bytes.Clone(sealed)
	forged[len(forged)-1] ^= 1

	tests := []struct {
		name string
		call func() error
		want wire.Defect
	}{
		// sealing
		{"recipient of 31 bytes", func() error { _, err := SealKey([]byte("k"), pub[:31], eph); return err }, wire.BadKey},
		{"ephemeral of 33 bytes", func() error { _, err := SealKey([]byte("k"), pub, append(eph, 0)); return err }, wire.BadKey},
		{"low-order recipient", func() error { _, err := SealKey([]byte("k"), lowOrder, eph); return err }, wire.BadKey},
		// opening
		{"secret of 31 bytes", func() error { _, err := OpenKey(sealed, secret[:31]); return err }, wire.BadKey},
		{"forged tag", func() error { _, err := OpenKey(forged, secret); return err }, wire.DecryptFailed},
		{"shorter than key and tag", func() error { _, err := OpenKey(sealed[:47], secret); return err }, wire.DecryptFailed},
		{"low-order ephemeral key", func() error { _, err := OpenKey(append(bytes.Clone(lowOrder), sealed[32:]...), secret); return err }, wire.DecryptFailed},
		{"another reader's secret", func() error { _, err := OpenKey(sealed, eph); return err }, wire.DecryptFailed},
	}
	for _, tt := range tests {
		if got := wire.DefectOf(tt.call()); got != tt.want {
			t.Errorf("%s: defect %q, want %q", tt.name, got, tt.want)
		}
	}
}
