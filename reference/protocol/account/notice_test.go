package account

import (
	"crypto/ed25519"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

func TestDeleteNotice(t *testing.T) {
	alice, bob := identity(t, "alice#a.test"), identity(t, "bob#b.test")
	n, err := NewDeleteNotice(wire.Seeded("del", now), alice.Address(), alice.SignKey())
	if err != nil {
		t.Fatalf("NewDeleteNotice: %v", err)
	}
	raw := mustBytes(t, n)
	parse := func(raw []byte) (*DeleteNotice, error) { return ParseDeleteNotice(raw) }
	tests := []struct {
		name  string
		raw   []byte
		key   ed25519.PublicKey
		want  wire.Defect
		field string
	}{
		// happy path
		{"as made", raw, pub(alice), "", ""},
		// sad path: verification
		{"another account's key", raw, pub(bob), wire.BadSignature, "*"},
		{"address changed after signing", mutate(t, raw, set(`"bob#b.test"`, "address")), pub(alice), wire.BadSignature, "*"},
		// sad path: decoding
		{"type of a move notice", mutate(t, raw, set(`"move"`, "type")), pub(alice), wire.Malformed, "/type"},
		{"unknown member", mutate(t, raw, set(`"soon"`, "reason")), pub(alice), wire.Malformed, "/reason"},
		{"missing address", mutate(t, raw, drop("address")), pub(alice), wire.Malformed, "/address"},
		{"null ts", mutate(t, raw, set(`null`, "ts")), pub(alice), wire.Malformed, "/ts"},
		{"negative ts", mutate(t, raw, set(`-5`, "ts")), pub(alice), wire.Malformed, "/ts"},
		{"not an object", []byte(`"delete"`), pub(alice), wire.Malformed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := parse(tt.raw)
			if err == nil {
				err = d.Verify(tt.key)
			}
			wantDefect(t, err, tt.want, tt.field)
		})
	}
}

// moveFixture is alice#a.test moving to alice#c.test.
type moveFixture struct {
	old, next *keys.Identity
	notice    *MoveNotice
	raw       []byte
}

func newMove(t *testing.T) moveFixture {
	t.Helper()
	f := moveFixture{old: identity(t, "alice#a.test"), next: identity(t, "alice#c.test")}
	n, err := NewMoveNotice(wire.Seeded("move", now), f.old.Address(), f.old.SignKey(), f.next.Bundle())
	if err != nil {
		t.Fatalf("NewMoveNotice: %v", err)
	}
	f.notice, f.raw = n, mustBytes(t, n)
	return f
}

func TestMoveNotice(t *testing.T) {
	f := newMove(t)
	other := identity(t, "bob#b.test").Bundle()
	tests := []struct {
		name  string
		raw   []byte
		key   ed25519.PublicKey
		want  wire.Defect
		field string
	}{
		// happy path
		{"as made, verified with the old key", f.raw, pub(f.old), "", ""},
		// sad path: verification
		{"verified with the new key", f.raw, pub(f.next), wire.BadSignature, "*"},
		{"ts changed after signing", mutate(t, f.raw, set(`1`, "ts")), pub(f.old), wire.BadSignature, "*"},
		// sad path: decoding
		{"new bundle's box key changed", mutate(t, f.raw, set(`"`+wire.EncodeBytes(other.BoxKey)+`"`, "bundle", "box_key")), pub(f.old), wire.BadSignature, "/bundle"},
		{"new bundle of a low-order box key", mutate(t, f.raw, set(`"`+wire.EncodeBytes(make([]byte, 32))+`"`, "bundle", "box_key")), pub(f.old), wire.BadKey, "/bundle"},
		{"new bundle with an unknown member", mutate(t, f.raw, set(`1`, "bundle", "x")), pub(f.old), wire.Malformed, "/bundle"},
		{"to differs from the bundle's address", mutate(t, f.raw, set(`"alice#d.test"`, "to")), pub(f.old), wire.Malformed, "/bundle"},
		{"from equals to", mutate(t, f.raw, set(`"alice#c.test"`, "from")), pub(f.old), wire.Malformed, "/to"},
		{"type of an export", mutate(t, f.raw, set(`"export"`, "type")), pub(f.old), wire.Malformed, "/type"},
		{"missing bundle", mutate(t, f.raw, drop("bundle")), pub(f.old), wire.Malformed, "/bundle"},
		{"bundle not an object", mutate(t, f.raw, set(`[]`, "bundle")), pub(f.old), wire.Malformed, "/bundle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseMoveNotice(tt.raw)
			if err == nil {
				err = n.Verify(tt.key)
			}
			wantDefect(t, err, tt.want, tt.field)
		})
	}
}

// TestMoveNoticeVerifyChecksBuiltNotices covers notices built in memory,
// which never went through the parser's checks.
func TestMoveNoticeVerifyChecksBuiltNotices(t *testing.T) {
	f := newMove(t)
	broken := f.next.Bundle()
	broken.Sig = append(wire.Bytes(nil), broken.Sig...)
	broken.Sig[0] ^= 1
	tests := []struct {
		name  string
		n     MoveNotice
		want  wire.Defect
		field string
	}{
		// sad path
		{"from equals to", MoveNotice{From: f.next.Address(), To: f.next.Address(), Bundle: f.next.Bundle()}, wire.Malformed, "/to"},
		{"bundle of another address", MoveNotice{From: f.old.Address(), To: address.MustParse("x#d.test"), Bundle: f.next.Bundle()}, wire.Malformed, "/bundle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantDefect(t, tt.n.Verify(pub(f.old)), tt.want, tt.field) })
	}
	// The old key signs a notice whose new bundle's own signature is broken.
	n, err := NewMoveNotice(wire.Seeded("move", now), f.old.Address(), f.old.SignKey(), broken)
	if err != nil {
		t.Fatalf("NewMoveNotice: %v", err)
	}
	t.Run("new bundle's own signature broken", func(t *testing.T) { wantDefect(t, n.Verify(pub(f.old)), wire.BadSignature, "/bundle") })
	t.Run("the same notice parsed", func(t *testing.T) {
		_, err := ParseMoveNotice(mustBytes(t, n))
		wantDefect(t, err, wire.BadSignature, "/bundle")
	})
}

func TestNewMoveNoticeRejectsSelfMove(t *testing.T) {
	f := newMove(t)
	_, err := NewMoveNotice(wire.Seeded("m", now), f.next.Address(), f.next.SignKey(), f.next.Bundle())
	if wire.DefectOf(err) != wire.Malformed {
		t.Errorf("got %v, want malformed", err)
	}
}
