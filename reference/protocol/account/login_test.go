package account

import (
	"bytes"
	"crypto/ed25519"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

var challenge = bytes.Repeat([]byte{7}, ChallengeSize)

func newLogin(t *testing.T, seed string) *LoginProof {
	t.Helper()
	alice := identity(t, "alice#a.test")
	p, err := NewLoginProof(wire.Seeded(seed, now), alice.Address(), alice.SignKey(), challenge, "a.test")
	if err != nil {
		t.Fatalf("NewLoginProof: %v", err)
	}
	return p
}

func TestLoginProofVerify(t *testing.T) {
	alice, bob := identity(t, "alice#a.test"), identity(t, "bob#b.test")
	p := newLogin(t, "login")
	parse := func(raw []byte) *LoginProof {
		q, err := ParseLoginProof(raw)
		if err != nil {
			t.Fatalf("ParseLoginProof: %v", err)
		}
		return q
	}
	tests := []struct {
		name string
		p    *LoginProof
		key  ed25519.PublicKey
		want wire.Defect
	}{
		// happy path
		{"as made", p, pub(alice), ""},
		{"as parsed from its bytes", parse(mustBytes(t, p)), pub(alice), ""},
		// sad path
		{"another account's key", p, pub(bob), wire.BadSignature},
		{"key of 31 bytes", p, pub(alice)[:31], wire.BadKey},
		{"challenge changed after signing", parse(mutate(t, mustBytes(t, p), set(`"`+wire.EncodeBytes(make([]byte, 32))+`"`, "challenge"))), pub(alice), wire.BadSignature},
		{"domain changed after signing", parse(mutate(t, mustBytes(t, p), set(`"b.test"`, "domain"))), pub(alice), wire.BadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantDefect(t, tt.p.Verify(tt.key), tt.want, "*") })
	}
}

func TestParseLoginProofInvalid(t *testing.T) {
	raw := mustBytes(t, newLogin(t, "login"))
	tests := []struct {
		name  string
		edit  func(map[string]any)
		want  wire.Defect
		field string
	}{
		// sad path
		{"type of a delete notice", set(`"delete"`, "type"), wire.Malformed, "/type"},
		{"missing type", drop("type"), wire.Malformed, "/type"},
		{"unknown member", set(`"x"`, "device"), wire.Malformed, "/device"},
		{"missing challenge", drop("challenge"), wire.Malformed, "/challenge"},
		{"challenge of 16 bytes", set(`"`+wire.EncodeBytes(make([]byte, 16))+`"`, "challenge"), wire.Malformed, "/challenge"},
		{"domain upper-case", set(`"A.test"`, "domain"), wire.BadAddress, "/domain"},
		{"address with two separators", set(`"a#b#a.test"`, "address"), wire.BadAddress, "/address"},
		{"ts a string", set(`"1"`, "ts"), wire.Malformed, "/ts"},
		{"ts out of range", set(`9007199254740992`, "ts"), wire.BadEncoding, "/ts"},
		{"sig missing", drop("sig"), wire.Malformed, "/sig"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseLoginProof(mutate(t, raw, tt.edit))
			wantDefect(t, err, tt.want, tt.field)
		})
	}
}

func TestNewLoginProofRejects(t *testing.T) {
	alice := identity(t, "alice#a.test")
	deps := wire.Seeded("x", now)
	if _, err := NewLoginProof(deps, alice.Address(), alice.SignKey(), challenge[:31], "a.test"); wire.DefectOf(err) != wire.Malformed {
		t.Errorf("31-byte challenge: got %v, want malformed", err)
	}
	if _, err := NewLoginProof(deps, alice.Address(), alice.SignKey(), challenge, "a"); wire.DefectOf(err) != wire.BadAddress {
		t.Errorf("single-label domain: got %v, want bad_address", err)
	}
}

func TestLoginProofDeterministic(t *testing.T) {
	if a, b := mustBytes(t, newLogin(t, "d")), mustBytes(t, newLogin(t, "d")); !bytes.Equal(a, b) {
		t.Errorf("same seed, different proofs:\n%s\n%s", a, b)
	}
}
