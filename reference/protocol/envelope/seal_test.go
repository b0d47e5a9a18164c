package envelope

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

func TestSealOpenOneRecipient(t *testing.T) {
	alice, bob := newAccount(t, "alice#a.test"), newAccount(t, "bob#b.test")
	env, sent := seal(t, "one", alice, bob.addr, recipients(bob), "hi bob")

	if len(env.Keys) != 2 {
		t.Fatalf("got %d wrapped keys, want 2 (recipient and sender)", len(env.Keys))
	}
	for _, reader := range []*account{bob, alice} { // the recipient, then the sender's own copy
		got, err := reader.open(env, alice)
		if err != nil {
			t.Fatalf("%s: Open: %v", reader.addr, err)
		}
		body, err := got.ParseBody()
		if err != nil {
			t.Fatalf("%s: ParseBody: %v", reader.addr, err)
		}
		if body != (Body{Type: TypeText, Text: "hi bob"}) {
			t.Errorf("%s: got body %+v, want text %q", reader.addr, body, "hi bob")
		}
		if got.ID != sent.ID || got.From != alice.addr || got.To != bob.addr || got.TS != wire.ToMillis(testNow) {
			t.Errorf("%s: got inner %+v, want the sealed %+v", reader.addr, got, sent)
		}
	}
}

func TestSealOpenGroup(t *testing.T) {
	alice := newAccount(t, "alice#a.test")
	members := groupMembers(t, 12)
	group := address.MustParse("friends#b.test")
	env, _ := seal(t, "group", alice, group, recipients(members...), "hi all")

	if len(env.Keys) != len(members)+1 {
		t.Fatalf("got %d wrapped keys, want %d (members and sender)", len(env.Keys), len(members)+1)
	}
	for _, m := range members {
		in, err := m.open(env, alice)
		if err != nil {
			t.Fatalf("%s: Open: %v", m.addr, err)
		}
		if in.To != group {
			t.Errorf("%s: got to %s, want the group %s", m.addr, in.To, group)
		}
	}
}

// The sealed inner message is the JCS form the generic canonicaliser
// produces, and its signature verifies with package signing.
func TestSealInnerIsCanonicalAndSigned(t *testing.T) {
	alice, bob := newAccount(t, "alice#a.test"), newAccount(t, "bob#b.test")
	_, in := seal(t, "canon", alice, bob.addr, recipients(bob), "quote \" backslash \\ tab \t nul \x00 é 😀 \u2028")

	mine, err := in.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	generic, err := json.Marshal(struct {
		V    int             `json:"v"`
		ID   string          `json:"id"`
		From address.Address `json:"from"`
		To   address.Address `json:"to"`
		TS   wire.Millis     `json:"ts"`
		Body json.RawMessage `json:"body"`
		Sig  wire.Bytes      `json:"sig"`
	}{in.V, in.ID, in.From, in.To, in.TS, in.Body, in.Sig})
	if err != nil {
		t.Fatal(err)
	}
	want, err := canonical.Transform(generic)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mine, want) {
		t.Fatalf("inner JCS form\n got %s\nwant %s", mine, want)
	}
	if err := signing.Verify(mine, alice.signPub()); err != nil {
		t.Fatalf("signing.Verify: %v", err)
	}
}

// Seeded deps reproduce every byte, and SealWith with the same values
// gives the same envelope: what other implementations check against.
func TestSealDeterministic(t *testing.T) {
	alice, bob, carol := newAccount(t, "alice#a.test"), newAccount(t, "bob#b.test"), newAccount(t, "carol#c.test")
	readers := recipients(bob, carol)
	env1, _ := seal(t, "same seed", alice, bob.addr, readers, "hello")
	env2, _ := seal(t, "same seed", alice, bob.addr, readers, "hello")
	env3, _ := seal(t, "other seed", alice, bob.addr, readers, "hello")
	j1, j2, j3 := mustMarshal(t, env1), mustMarshal(t, env2), mustMarshal(t, env3)
	if !bytes.Equal(j1, j2) {
		t.Fatalf("same seed, different bytes:\n%s\n%s", j1, j2)
	}
	if bytes.Equal(j1, j3) {
		t.Fatal("different seeds, same bytes")
	}

	p, err := newParams(wire.Seeded("same seed", testNow), alice.sender(), bob.addr, readers, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p.Body = TextBody("hello")
	env4, _, err := SealWith(p)
	if err != nil {
		t.Fatal(err)
	}
	if j4 := mustMarshal(t, env4); !bytes.Equal(j1, j4) {
		t.Fatalf("SealWith differs from Seal:\n%s\n%s", j1, j4)
	}
}

// The order of draws from deps.Rand is part of the specification (see the
// package documentation): check it against values read by hand.
func TestSealRandomnessOrder(t *testing.T) {
	alice, bob := newAccount(t, "alice#a.test"), newAccount(t, "bob#b.test")
	env, _ := seal(t, "order", alice, bob.addr, recipients(bob), "x")

	r := wire.NewSeededReader("order")
	entropy, contentKey, nonce := make([]byte, 10), make([]byte, 32), make([]byte, 24)
	var ephAlice, ephBob [32]byte
	for _, b := range [][]byte{entropy, contentKey, nonce, ephAlice[:], ephBob[:]} { // alice#a.test sorts before bob#b.test
		mustRead(t, r, b)
	}
	if !bytes.Equal(env.Payload[:NonceSize], nonce) {
		t.Errorf("payload nonce is not the third draw")
	}
	for who, eph := range map[*account]*[32]byte{alice: &ephAlice, bob: &ephBob} {
		want, err := sealKey(nil, contentKey, &who.boxPub, eph)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(env.Keys[who.addr], want) {
			t.Errorf("%s: wrapped key is not made from the expected draw", who.addr)
		}
	}
}

func TestSealTooLarge(t *testing.T) {
	alice, bob := newAccount(t, "alice#a.test"), newAccount(t, "bob#b.test")
	deps := wire.Seeded("large", testNow)
	// happy path: a text that fits is sealed, and its encoding is within the limit
	env, _, err := Seal(deps, alice.sender(), bob.addr, recipients(bob), TextBody(strings.Repeat("a", 40000)), Options{})
	if err != nil {
		t.Fatalf("40000-byte text: %v", err)
	}
	if n := len(mustMarshal(t, env)); n > MaxEnvelopeBytes {
		t.Fatalf("encoded size %d exceeds the limit", n)
	}
	// sad path: base64 makes a 50000-byte text about 67 KB
	_, _, err = Seal(deps, alice.sender(), bob.addr, recipients(bob), TextBody(strings.Repeat("a", 50000)), Options{})
	wantDefect(t, err, wire.TooLarge)
}

func TestSealRejects(t *testing.T) {
	alice, bob := newAccount(t, "alice#a.test"), newAccount(t, "bob#b.test")
	lowOrder := [32]byte{} // the all-zero point has order 1
	tests := []struct {
		name   string
		mutate func(p *Params)
		defect wire.Defect
	}{
		// an id that is not a canonical ULID
		{"lower-case id", func(p *Params) { p.ID = strings.ToLower(p.ID) }, wire.Malformed},
		// an Address literal that Parse would never return
		{"upper-case from", func(p *Params) { p.From.Local = "Alice" }, wire.BadAddress},
		// ttl must be at least one second
		{"zero ttl", func(p *Params) { p.TTL = 0 }, wire.Malformed},
		// session ids are ULIDs too
		{"bad session", func(p *Params) { p.Session = "s1" }, wire.Malformed},
		// a truncated signing key
		{"short sign key", func(p *Params) { p.SignKey = p.SignKey[:32] }, wire.BadKey},
		// the body must be an object with a known type
		{"unknown body type", func(p *Params) { p.Body = json.RawMessage(`{"type":"image"}`) }, wire.Malformed},
		// a text body's text is never empty
		{"empty text", func(p *Params) { p.Body = TextBody("") }, wire.Malformed},
		// floats are not allowed anywhere, vendor bodies included
		{"float in vendor body", func(p *Params) { p.Body = json.RawMessage(`{"type":"vnd.a.test.x","n":1.5}`) }, wire.BadEncoding},
		// a reader listed twice
		{"duplicate reader", func(p *Params) { p.Wraps = append(p.Wraps, p.Wraps[0]) }, wire.Malformed},
		// nobody could read it
		{"no readers", func(p *Params) { p.Wraps = nil }, wire.Malformed},
		// libsodium refuses low-order keys; so do we
		{"low-order box key", func(p *Params) { p.Wraps[1].BoxKey = &lowOrder }, wire.BadKey},
		// a reader without a key
		{"nil box key", func(p *Params) { p.Wraps[0].BoxKey = nil }, wire.BadKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := newParams(wire.Seeded("rejects", testNow), alice.sender(), bob.addr, recipients(bob), Options{})
			if err != nil {
				t.Fatal(err)
			}
			p.Body = TextBody("x")
			tt.mutate(&p)
			_, _, err = SealWith(p)
			wantDefect(t, err, tt.defect)
		})
	}
}

// The sender may appear among the recipients (a note to self) with its own
// key, but not with another key.
func TestSealSenderAmongRecipients(t *testing.T) {
	alice, bob := newAccount(t, "alice#a.test"), newAccount(t, "bob#b.test")
	env, _ := seal(t, "self", alice, alice.addr, recipients(alice), "note to self")
	if len(env.Keys) != 1 {
		t.Fatalf("got %d keys, want 1", len(env.Keys))
	}
	if _, err := alice.open(env, alice); err != nil {
		t.Fatalf("Open own note: %v", err)
	}
	wrong := map[address.Address]*[32]byte{alice.addr: &bob.boxPub}
	_, _, err := Seal(wire.Seeded("self", testNow), alice.sender(), bob.addr, wrong, TextBody("x"), Options{})
	wantDefect(t, err, wire.BadKey)
}

func TestSealOptions(t *testing.T) {
	alice, bob := newAccount(t, "alice#a.test"), newAccount(t, "bob#b.test")
	session := "01HZZZZZZZZZZZZZZZZZZZZZZZ"
	env, _, err := Seal(wire.Seeded("opts", testNow), alice.sender(), bob.addr, recipients(bob), TextBody("x"), Options{TTL: 60, Session: session})
	if err != nil {
		t.Fatal(err)
	}
	if env.TTL != 60 || env.Session != session {
		t.Errorf("got ttl %d session %q, want 60 %q", env.TTL, env.Session, session)
	}
	env, _ = seal(t, "opts", alice, bob.addr, recipients(bob), "x")
	if env.TTL != DefaultTTL || env.Session != "" {
		t.Errorf("got ttl %d session %q, want the default ttl and no session", env.TTL, env.Session)
	}
}

func mustMarshal(t testing.TB, env *Envelope) []byte {
	t.Helper()
	b, err := json.Marshal(env)
	if err != nil {
		t.Fatalf("marshal envelope: %v", err)
	}
	return b
}
