package account

import (
	"bytes"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// checkParsed is the shared property of every account parser.
func checkParsed(t *testing.T, raw []byte, v encoded, err error, verify func() error) {
	t.Helper()
	if err != nil {
		if wire.DefectOf(err) == "" {
			t.Fatalf("untyped error %v", err)
		}
		return
	}
	if got := mustBytes(t, v); !bytes.Equal(got, raw) {
		t.Fatalf("parsed object does not keep its bytes")
	}
	if err := verify(); err != nil && wire.DefectOf(err) == "" {
		t.Fatalf("untyped verify error %v", err)
	}
}

func FuzzParseLoginProof(f *testing.F) {
	f.Add(mustBytes(f, newLoginF(f)))
	f.Add([]byte(`{"type":"login"}`))
	key := pub(identity(f, "alice#a.test"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := ParseLoginProof(raw)
		checkParsed(t, raw, p, err, func() error { return p.Verify(key) })
	})
}

func FuzzParseDeleteNotice(f *testing.F) {
	alice := identity(f, "alice#a.test")
	n, err := NewDeleteNotice(wire.Seeded("fuzz", now), alice.Address(), alice.SignKey())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(mustBytes(f, n))
	f.Add([]byte(`{"type":"delete","address":"a#b.c","ts":0,"sig":""}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := ParseDeleteNotice(raw)
		checkParsed(t, raw, d, err, func() error { return d.Verify(pub(alice)) })
	})
}

func FuzzParseMoveNotice(f *testing.F) {
	old, next := identity(f, "alice#a.test"), identity(f, "alice#c.test")
	n, err := NewMoveNotice(wire.Seeded("fuzz", now), old.Address(), old.SignKey(), next.Bundle())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(mustBytes(f, n))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := ParseMoveNotice(raw)
		checkParsed(t, raw, m, err, func() error { return m.Verify(pub(old)) })
	})
}

func FuzzParseExport(f *testing.F) {
	alice, bob := identity(f, "alice#a.test"), identity(f, "bob#b.test")
	e, err := NewExport(wire.Seeded("fuzz", now), alice.SignKey(), Export{
		Bundle:   alice.Bundle(),
		Contacts: []Contact{{Address: bob.Address(), Bundle: bob.Bundle(), State: StateAccepted}},
		Groups:   []Group{{Address: bob.Address(), Role: RoleMember}},
		Settings: Settings{TTL: 60},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(mustBytes(f, e))
	f.Fuzz(func(t *testing.T, raw []byte) {
		x, err := ParseExport(raw)
		checkParsed(t, raw, x, err, func() error { return x.Verify(pub(alice)) })
	})
}

// newLoginF is newLogin for fuzz setup.
func newLoginF(f *testing.F) *LoginProof {
	alice := identity(f, "alice#a.test")
	p, err := NewLoginProof(wire.Seeded("fuzz", now), alice.Address(), alice.SignKey(), challenge, "a.test")
	if err != nil {
		f.Fatal(err)
	}
	return p
}
