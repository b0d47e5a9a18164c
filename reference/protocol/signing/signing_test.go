package signing

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// testKey derives a fixed Ed25519 key from a name.
func testKey(name string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte(name))
	return ed25519.NewKeyFromSeed(seed[:])
}

// signed returns the JSON of obj with its "sig" member set by priv.
func signed(t *testing.T, obj map[string]any, priv ed25519.PrivateKey) []byte {
	t.Helper()
	sig, err := Sign(obj, priv)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	obj["sig"] = sig
	raw, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestInput(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// happy path: the top-level sig goes, the rest is canonicalised
		{"top sig", `{ "to":"b", "sig":"xx", "from":"a" }`, `{"from":"a","to":"b"}`},
		// a nested "sig" is signed like any other member
		{"nested sig kept", `{"prev":{"sig":"p","sign_key":"k"},"sig":"s"}`, `{"prev":{"sig":"p","sign_key":"k"}}`},
		// an object without sig is its own input
		{"no sig", `{"b":1,"a":2}`, `{"a":2,"b":1}`},
		// the member name is compared after unescaping: "\u0073ig" is "sig"
		{"escaped name", `{"\u0073ig":"s","a":1}`, `{"a":1}`},
		// a "sig" inside an array element is signed
		{"sig in array", `{"list":[{"sig":1}],"sig":2}`, `{"list":[{"sig":1}]}`},
		// HTML-sensitive characters survive re-encoding unescaped
		{"html", `{"t":"<&>","sig":"s"}`, `{"t":"<&>"}`},
	}
	for _, tt := range tests {
		got, err := Input([]byte(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: Input(%s) = %s, %v; want %s", tt.name, tt.in, got, err, tt.want)
		}
	}
}

func TestInputRejects(t *testing.T) {
	tests := []struct {
		name, in string
		want     wire.Defect
	}{
		// sad path: an array is not a signed object
		{"array", `[1]`, wire.Malformed},
		// a string is not a signed object
		{"string", `"sig"`, wire.Malformed},
		// null is not a signed object
		{"null", `null`, wire.Malformed},
		// not JSON at all
		{"garbage", `{sig}`, wire.BadEncoding},
		// two sig members: which one counts would be ambiguous
		{"duplicate sig", `{"sig":"a","sig":"b"}`, wire.BadEncoding},
		// floats never appear in protocol objects
		{"float", `{"ts":1.5}`, wire.BadEncoding},
		// integers beyond 2^53-1 would be rounded by other implementations
		{"big integer", `{"ts":9007199254740993}`, wire.BadEncoding},
	}
	for _, tt := range tests {
		got, err := Input([]byte(tt.in))
		if d := wire.DefectOf(err); d != tt.want {
			t.Errorf("%s: Input(%s) = %s, %v; want defect %s", tt.name, tt.in, got, err, tt.want)
		}
	}
}

func TestInputWithout(t *testing.T) {
	in := `{"prev":{"sign_key":"k","sig":"p"},"sig":"s","a":1}`
	got, err := InputWithout([]byte(in), "prev", "sig")
	if want := `{"a":1,"prev":{"sign_key":"k"}}`; err != nil || string(got) != want {
		t.Errorf("InputWithout(prev/sig) = %s, %v; want %s", got, err, want)
	}
	// a missing member has nothing to remove
	got, err = InputWithout([]byte(`{"a":1,"sig":"s"}`), "prev", "sig")
	if want := `{"a":1}`; err != nil || string(got) != want {
		t.Errorf("InputWithout without prev = %s, %v; want %s", got, err, want)
	}
	// a path through a non-object is malformed
	if _, err := InputWithout([]byte(`{"prev":"x"}`), "prev", "sig"); wire.DefectOf(err) != wire.Malformed {
		t.Errorf("InputWithout through a string: %v, want malformed", err)
	}
}

func TestSignMatchesInput(t *testing.T) {
	priv := testKey("alice")
	obj := map[string]any{"type": "login", "ts": 1700000000000, "sig": "ignored"}
	sig, err := Sign(obj, priv)
	if err != nil {
		t.Fatal(err)
	}
	want := ed25519.Sign(priv, []byte(`{"ts":1700000000000,"type":"login"}`))
	if string(sig) != string(want) {
		t.Errorf("Sign is not ed25519.Sign over the canonical input without sig")
	}
}

func TestVerify(t *testing.T) {
	priv := testKey("alice")
	pub := priv.Public().(ed25519.PublicKey)
	raw := signed(t, map[string]any{"type": "login", "address": "alice#a.test", "ts": 1700000000000}, priv)
	if err := Verify(raw, pub); err != nil {
		t.Fatalf("Verify of a freshly signed object: %v", err)
	}
	// the received form may differ in whitespace, order and escaping
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	respaced := []byte(" {\n \"ts\" : 1700000000000, \"sig\":\"" + m["sig"].(string) + "\", \"addr\\u0065ss\":\"alice#a.test\", \"type\":\"login\"}\n")
	if err := Verify(respaced, pub); err != nil {
		t.Errorf("Verify of a re-formatted object: %v", err)
	}
}

func TestVerifyRejects(t *testing.T) {
	priv := testKey("alice")
	pub := priv.Public().(ed25519.PublicKey)
	good := string(signed(t, map[string]any{"type": "login", "ts": 1700000000000}, priv))
	var parsed struct{ Sig string }
	if err := json.Unmarshal([]byte(good), &parsed); err != nil || len(parsed.Sig) != 86 {
		t.Fatalf("test setup: sig %q, %v", parsed.Sig, err)
	}
	sig := parsed.Sig
	tests := []struct {
		name string
		raw  string
		pub  ed25519.PublicKey
		want wire.Defect
	}{
		// sad path: another key
		{"wrong key", good, testKey("mallory").Public().(ed25519.PublicKey), wire.BadSignature},
		// a changed value
		{"tampered value", strings.Replace(good, "1700000000000", "1700000000001", 1), pub, wire.BadSignature},
		// a member added after signing
		{"added member", strings.Replace(good, `{`, `{"extra":true,`, 1), pub, wire.BadSignature},
		// a member removed after signing
		{"removed member", strings.Replace(good, `,"type":"login"`, ``, 1), pub, wire.BadSignature},
		// no sig member
		{"missing sig", `{"ts":1700000000000,"type":"login"}`, pub, wire.Malformed},
		// sig of the wrong JSON type
		{"sig not string", `{"sig":42,"ts":1700000000000,"type":"login"}`, pub, wire.Malformed},
		// sig with padding is not the wire encoding
		{"padded sig", strings.Replace(good, sig, sig+"==", 1), pub, wire.BadEncoding},
		// sig in the standard base64 alphabet
		{"std alphabet", `{"sig":"ab+/","type":"login"}`, pub, wire.BadEncoding},
		// a truncated signature
		{"short sig", strings.Replace(good, sig, sig[:84], 1), pub, wire.Malformed},
		// a zero-length signature
		{"empty sig", strings.Replace(good, sig, "", 1), pub, wire.Malformed},
		// a duplicate sig member
		{"duplicate sig", strings.Replace(good, `{`, `{"sig":"AAAA",`, 1), pub, wire.BadEncoding},
		// a public key of the wrong length
		{"short key", good, pub[:31], wire.BadKey},
		// no key at all
		{"nil key", good, nil, wire.BadKey},
		// not an object
		{"array", `[` + good + `]`, pub, wire.Malformed},
		// not JSON
		{"garbage", good[1:], pub, wire.BadEncoding},
	}
	for _, tt := range tests {
		err := Verify([]byte(tt.raw), tt.pub)
		if d := wire.DefectOf(err); d != tt.want {
			t.Errorf("%s: Verify = %v; want defect %s", tt.name, err, tt.want)
		}
	}
}

func TestSignBadKey(t *testing.T) {
	if _, err := Sign(map[string]any{}, ed25519.PrivateKey(make([]byte, 32))); wire.DefectOf(err) != wire.BadKey {
		t.Errorf("Sign with a 32-byte private key: %v, want bad_key", err)
	}
	if _, err := Sign([]int{1}, testKey("a")); wire.DefectOf(err) != wire.Malformed {
		t.Errorf("Sign of an array: %v, want malformed", err)
	}
}

func TestNestedSignature(t *testing.T) {
	oldKey, newKey := testKey("old"), testKey("new")
	prev := map[string]any{"sign_key": wire.Bytes(oldKey.Public().(ed25519.PublicKey))}
	obj := map[string]any{"address": "alice#a.test", "created": 2, "prev": prev}
	prevSig, err := SignField(obj, oldKey, "prev", "sig")
	if err != nil {
		t.Fatal(err)
	}
	prev["sig"] = prevSig
	raw := signed(t, obj, newKey)

	if err := Verify(raw, newKey.Public().(ed25519.PublicKey)); err != nil {
		t.Errorf("outer signature: %v", err)
	}
	if err := VerifyField(raw, oldKey.Public().(ed25519.PublicKey), "prev", "sig"); err != nil {
		t.Errorf("nested signature: %v", err)
	}
	// the nested signature does not cover the outer one: re-signing the outer keeps it valid
	resigned := strings.Replace(string(raw), `"created":2`, `"created":3`, 1)
	if err := VerifyField([]byte(resigned), oldKey.Public().(ed25519.PublicKey), "prev", "sig"); wire.DefectOf(err) != wire.BadSignature {
		t.Errorf("nested signature over a changed object: %v, want bad_signature", err)
	}
	if err := VerifyField(raw, newKey.Public().(ed25519.PublicKey), "prev", "sig"); wire.DefectOf(err) != wire.BadSignature {
		t.Errorf("nested signature with the new key: %v, want bad_signature", err)
	}
	if err := VerifyField(raw, oldKey.Public().(ed25519.PublicKey), "next", "sig"); wire.DefectOf(err) != wire.Malformed {
		t.Errorf("signature at a missing path: %v, want malformed", err)
	}
	if err := VerifyField(raw, oldKey.Public().(ed25519.PublicKey)); wire.DefectOf(err) != wire.Malformed {
		t.Errorf("VerifyField with no path: %v, want malformed", err)
	}
}

// TestKnownAnswer pins a signature computed by an independent implementation
// (Python `cryptography`, Ed25519 key from seed SHA-256("fuzz"), over the
// canonical input written by hand), so Sign and Verify agree with the world,
// not only with each other.
func TestKnownAnswer(t *testing.T) {
	const sig = "3MMT2xSwAv3inGrfEDCTnFb95E8342gb9HDSpjQEn-g0nX8H4Y-fStOdslnSVgLxz2YBQKE_j1TlvfI3KCfcDg"
	obj := map[string]any{"type": "login", "created": 1700000000000, "address": "alice#a.test"}
	got, err := Sign(obj, testKey("fuzz"))
	if err != nil || wire.EncodeBytes(got) != sig {
		t.Errorf("Sign = %s, %v; want %s", got, err, sig)
	}
	raw := `{"created":1700000000000,"type":"login","sig":"` + sig + `","address":"alice#a.test"}`
	if err := Verify([]byte(raw), testKey("fuzz").Public().(ed25519.PublicKey)); err != nil {
		t.Errorf("Verify of the known answer: %v", err)
	}
}
