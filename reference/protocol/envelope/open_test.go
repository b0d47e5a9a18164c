package envelope

import (
	"crypto/ed25519"
	"encoding/json"
	"maps"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// TestOpenTampered changes one thing in a valid envelope and checks the
// defect the recipient reports.
func TestOpenTampered(t *testing.T) {
	alice, bob, carol := newAccount(t, "alice#a.test"), newAccount(t, "bob#b.test"), newAccount(t, "carol#c.test")
	mallory := newAccount(t, "mallory#m.test")
	tests := []struct {
		name   string
		reader *account // who opens; bob unless set
		signer *account // whose key verifies; alice unless set
		tamper func(t *testing.T, env *Envelope)
		defect wire.Defect
		field  string
	}{
		// a flipped bit in the ciphertext breaks the Poly1305 tag
		{name: "payload byte flipped", tamper: func(t *testing.T, env *Envelope) { env.Payload[len(env.Payload)/2] ^= 1 }, defect: wire.DecryptFailed, field: "/payload"},
		// a flipped nonce byte decrypts to garbage that does not authenticate
		{name: "nonce byte flipped", tamper: func(t *testing.T, env *Envelope) { env.Payload[0] ^= 1 }, defect: wire.DecryptFailed, field: "/payload"},
		// a truncated payload
		{name: "payload truncated", tamper: func(t *testing.T, env *Envelope) { env.Payload = env.Payload[:NonceSize] }, defect: wire.DecryptFailed, field: "/payload"},
		// bob's slot holds carol's sealed box: it does not open with bob's key
		{name: "keys swapped between recipients", tamper: func(t *testing.T, env *Envelope) {
			env.Keys[bob.addr], env.Keys[carol.addr] = env.Keys[carol.addr], env.Keys[bob.addr]
		}, defect: wire.DecryptFailed, field: "/keys/bob#b.test"},
		// a flipped byte in the wrapped key
		{name: "wrapped key byte flipped", tamper: func(t *testing.T, env *Envelope) {
			k := env.Keys[bob.addr]
			k[40] ^= 1
		}, defect: wire.DecryptFailed, field: "/keys/bob#b.test"},
		// mallory is not among the readers
		{name: "reader not in keys", reader: mallory, tamper: func(*testing.T, *Envelope) {}, defect: wire.NotARecipient, field: "/keys/mallory#m.test"},
		// the server re-addresses the envelope to another account
		{name: "outer to changed", tamper: func(t *testing.T, env *Envelope) { env.To = carol.addr }, defect: wire.RoutingMismatch, field: "/to"},
		// the envelope claims another sender
		{name: "outer from changed", tamper: func(t *testing.T, env *Envelope) { env.From = carol.addr }, defect: wire.RoutingMismatch, field: "/from"},
		// a replay under a new id
		{name: "outer id changed", tamper: func(t *testing.T, env *Envelope) { env.ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV" }, defect: wire.RoutingMismatch, field: "/id"},
		// the envelope's time moved
		{name: "outer ts changed", tamper: func(t *testing.T, env *Envelope) { env.TS++ }, defect: wire.RoutingMismatch, field: "/ts"},
		// an envelope of a later version
		{name: "outer v changed", tamper: func(t *testing.T, env *Envelope) { env.V = 2 }, defect: wire.UnsupportedVersion, field: "/v"},
		// verified with a key that did not sign it (a re-signed or forged message)
		{name: "wrong sender key", signer: mallory, tamper: func(*testing.T, *Envelope) {}, defect: wire.BadSignature, field: "/inner/sig"},
		// mallory re-signs alice's inner message with her key: alice's key rejects it
		{name: "re-signed by another key", tamper: func(t *testing.T, env *Envelope) {
			resign(t, env, bob, func(in *Inner) { in.Sig = ed25519.Sign(mallory.sign, signingInput(t, in)) })
		}, defect: wire.BadSignature, field: "/inner/sig"},
		// the inner message was changed after signing
		{name: "inner to changed after signing", tamper: func(t *testing.T, env *Envelope) {
			resign(t, env, bob, func(in *Inner) { in.To = carol.addr })
		}, defect: wire.BadSignature, field: "/inner/sig"},
		// a truncated signature
		{name: "inner sig truncated", tamper: func(t *testing.T, env *Envelope) {
			resign(t, env, bob, func(in *Inner) { in.Sig = in.Sig[:32] })
		}, defect: wire.Malformed, field: "/inner/sig"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := seal(t, "tamper", alice, bob.addr, recipients(bob, carol), "original")
			tt.tamper(t, env)
			reader, signer := bob, alice
			if tt.reader != nil {
				reader = tt.reader
			}
			if tt.signer != nil {
				signer = tt.signer
			}
			_, err := reader.open(env, signer)
			wantDefect(t, err, tt.defect)
			if got := fieldOf(err); got != tt.field {
				t.Errorf("got field %q, want %q (%v)", got, tt.field, err)
			}
		})
	}
}

// TestOpenInner covers inner messages that decrypt but are not valid: the
// attacker here is a sender (or anyone holding the content key) who
// encrypts arbitrary bytes.
func TestOpenInner(t *testing.T) {
	alice, bob := newAccount(t, "alice#a.test"), newAccount(t, "bob#b.test")
	tests := []struct {
		name      string
		plaintext func(t *testing.T, valid []byte) []byte
		defect    wire.Defect
	}{
		// happy path: the same bytes re-encrypted open fine
		{"unchanged", func(t *testing.T, valid []byte) []byte { return valid }, ""},
		// happy path: non-canonical but equivalent JSON is verified over its JCS form
		{"reordered and spaced", func(t *testing.T, valid []byte) []byte { return reencode(t, valid) }, ""},
		// not JSON at all
		{"not JSON", func(*testing.T, []byte) []byte { return []byte("hello") }, wire.BadEncoding},
		// a JSON array instead of an object
		{"array", func(*testing.T, []byte) []byte { return []byte("[]") }, wire.Malformed},
		// invalid UTF-8
		{"invalid UTF-8", func(*testing.T, []byte) []byte { return []byte("{\"v\":1,\"x\":\"\xff\"}") }, wire.BadEncoding},
		// a member the closed object does not know
		{"unknown member", func(t *testing.T, valid []byte) []byte { return withMember(t, valid, "extra", `1`) }, wire.Malformed},
		// a later version
		{"v2", func(t *testing.T, valid []byte) []byte { return withMember(t, valid, "v", `2`) }, wire.UnsupportedVersion},
		// version as a float
		{"v float", func(t *testing.T, valid []byte) []byte { return withMember(t, valid, "v", `1.0`) }, wire.Malformed},
		// a missing body
		{"no body", func(t *testing.T, valid []byte) []byte { return withoutMember(t, valid, "body") }, wire.Malformed},
		// a from that is not an address
		{"bad from", func(t *testing.T, valid []byte) []byte { return withMember(t, valid, "from", `"alice@a.test"`) }, wire.BadAddress},
		// a body with a type v1 does not define
		{"unknown body type", func(t *testing.T, valid []byte) []byte { return withMember(t, valid, "body", `{"type":"image"}`) }, wire.Malformed},
		// a duplicate member, the classic parser-differential trick
		{"duplicate member", func(t *testing.T, valid []byte) []byte {
			return append([]byte(`{"to":"carol#c.test",`), valid[1:]...)
		}, wire.BadEncoding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, in := seal(t, "inner", alice, bob.addr, recipients(bob), "hi")
			valid, err := in.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			reencrypt(t, env, bob, tt.plaintext(t, valid))
			_, err = bob.open(env, alice)
			if tt.defect == "" {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				return
			}
			wantDefect(t, err, tt.defect)
		})
	}
}

func TestOpenBadKeys(t *testing.T) {
	alice, bob := newAccount(t, "alice#a.test"), newAccount(t, "bob#b.test")
	env, _ := seal(t, "keys", alice, bob.addr, recipients(bob), "hi")
	// a sender key of the wrong length never reaches ed25519.Verify
	_, err := Open(env, bob.addr, &bob.boxPriv, alice.signPub()[:31])
	wantDefect(t, err, wire.BadKey)
	// no private key
	_, err = Open(env, bob.addr, nil, alice.signPub())
	wantDefect(t, err, wire.BadKey)
	// no envelope
	_, err = Open(nil, bob.addr, &bob.boxPriv, alice.signPub())
	wantDefect(t, err, wire.Malformed)
	// a wrapped key whose ephemeral half is a low-order point
	env.Keys[bob.addr] = make(wire.Bytes, WrappedKeySize)
	_, err = Open(env, bob.addr, &bob.boxPriv, alice.signPub())
	wantDefect(t, err, wire.DecryptFailed)
}

func TestCheckRouting(t *testing.T) {
	alice, bob := newAccount(t, "alice#a.test"), newAccount(t, "bob#b.test")
	env, in := seal(t, "routing", alice, bob.addr, recipients(bob), "hi")
	// happy path: Seal's own pair matches
	if err := CheckRouting(env, in); err != nil {
		t.Fatalf("CheckRouting: %v", err)
	}
	// sad path: the session and ttl are not signed and do not matter
	env.Session, env.TTL = "01ARZ3NDEKTSV4RRFFQ69G5FAV", 1
	if err := CheckRouting(env, in); err != nil {
		t.Fatalf("CheckRouting with other session/ttl: %v", err)
	}
	env.V = 2
	wantDefect(t, CheckRouting(env, in), wire.RoutingMismatch)
}

// resign decrypts env for reader, lets change edit the inner message and
// re-encrypts it (keeping the original signature unless change replaces it).
func resign(t *testing.T, env *Envelope, reader *account, change func(in *Inner)) {
	t.Helper()
	key := contentKey(t, env, reader)
	plain, ok := decryptPayload(key, env.Payload)
	if !ok {
		t.Fatal("decrypt own envelope")
	}
	in, err := ParseInner(plain)
	if err != nil {
		t.Fatal(err)
	}
	change(in)
	canon, err := canonicalBody(in.Body)
	if err != nil {
		t.Fatal(err)
	}
	reencrypt(t, env, reader, appendInner(nil, in, canon, in.Sig))
}

// signingInput returns JCS(in without sig).
func signingInput(t testing.TB, in *Inner) []byte {
	t.Helper()
	canon, err := canonicalBody(in.Body)
	if err != nil {
		t.Fatal(err)
	}
	return appendInner(nil, in, canon, nil)
}

// reencrypt replaces env's payload with plaintext under the same content key.
func reencrypt(t testing.TB, env *Envelope, reader *account, plaintext []byte) {
	t.Helper()
	var key [ContentKeySize]byte
	copy(key[:], contentKey(t, env, reader))
	var nonce [NonceSize]byte
	copy(nonce[:], env.Payload)
	payload, err := encryptPayload(&key, &nonce, plaintext)
	if err != nil {
		t.Fatal(err)
	}
	env.Payload = payload
}

func contentKey(t testing.TB, env *Envelope, reader *account) []byte {
	t.Helper()
	k, err := newBoxKey(&reader.boxPriv)
	if err != nil {
		t.Fatal(err)
	}
	key, ok := k.open(env.Keys[reader.addr])
	if !ok {
		t.Fatal("unwrap own key")
	}
	return key
}

// reencode returns the object with members in another order and spaces.
func reencode(t testing.TB, obj []byte) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		t.Fatal(err)
	}
	out := []byte("{ ")
	for i, name := range []string{"v", "ts", "to", "sig", "id", "from", "body"} {
		if i > 0 {
			out = append(out, " , "...)
		}
		out = append(out, `"`+name+`" : `...)
		out = append(out, m[name]...)
	}
	return append(out, " }"...)
}

func withMember(t *testing.T, obj []byte, name, value string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		t.Fatal(err)
	}
	m = maps.Clone(m)
	m[name] = json.RawMessage(value)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func withoutMember(t *testing.T, obj []byte, name string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, name)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
