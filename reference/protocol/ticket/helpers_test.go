package ticket

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// now is the clock of every test.
var now = time.UnixMilli(1_700_000_000_000)

var (
	alice = address.MustParse("alice#a.test")
	bob   = address.MustParse("bob#b.test")
	carol = address.MustParse("carol#c.test")
)

// accountKey derives an account sign key from a name.
func accountKey(name string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("account " + name))
	return ed25519.NewKeyFromSeed(seed[:])
}

// hostKey derives a server key of a.test.
func hostKey(t testing.TB, seed string) fedsig.ServerKey {
	t.Helper()
	k, err := fedsig.NewServerKey(wire.Seeded(seed, now), "ed25519:k1")
	if err != nil {
		t.Fatalf("NewServerKey: %v", err)
	}
	return k
}

// issueAt issues an alice→bob ticket at now+skew, valid for ttl.
func issueAt(t testing.TB, k fedsig.ServerKey, skew, ttl time.Duration) *Ticket {
	t.Helper()
	tk, err := Issue(wire.Seeded("ticket", now.Add(skew)), k, "a.test", alice, bob, ttl)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	return tk
}

// authAt makes bob's proof for tk at now+skew.
func authAt(t testing.TB, tk *Ticket, skew time.Duration) *Auth {
	t.Helper()
	a, err := NewAuth(wire.Seeded("auth", now.Add(skew)), tk.ID, bob, "a.test", accountKey("bob"))
	if err != nil {
		t.Fatalf("NewAuth: %v", err)
	}
	return a
}

// mustBytes returns the encoding of a ticket or proof.
func mustBytes(t testing.TB, v interface{ Bytes() ([]byte, error) }) []byte {
	t.Helper()
	b, err := v.Bytes()
	if err != nil {
		t.Fatalf("Bytes: %v", err)
	}
	return b
}

// mutate decodes raw, lets f change the members and re-encodes it.
func mutate(t testing.TB, raw []byte, f func(m map[string]any)) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode: %v", err)
	}
	f(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return out
}

// set returns a mutation that sets member name to the JSON text v.
func set(name, v string) func(map[string]any) {
	return func(m map[string]any) { m[name] = json.RawMessage(v) }
}

// drop returns a mutation that removes member name.
func drop(name string) func(map[string]any) {
	return func(m map[string]any) { delete(m, name) }
}

// mustAddr parses an address or fails the test.
func mustAddr(t testing.TB, s string) address.Address {
	t.Helper()
	a, err := address.Parse(s)
	if err != nil {
		t.Fatalf("address.Parse(%q): %v", s, err)
	}
	return a
}

// make16 returns a nonce that differs from every seeded one.
func make16() []byte { return []byte("0123456789abcdef") }
