package keys

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

func TestBundleRoundTrip(t *testing.T) {
	for _, id := range []*Identity{
		mustIdentity(t, "alice", "alice#a.test"),                           // a first bundle
		mustRotate(t, mustIdentity(t, "alice", "alice#a.test"), "alice-2"), // a rotated bundle
	} {
		b := id.Bundle()
		if err := b.Verify(); err != nil {
			t.Fatalf("Verify of a fresh bundle: %v", err)
		}
		raw := mustJSON(t, b)
		parsed, err := ParseBundle(raw)
		if err != nil {
			t.Fatalf("ParseBundle(%s): %v", raw, err)
		}
		if !bytes.Equal(mustJSON(t, parsed), raw) {
			t.Errorf("ParseBundle then Marshal changed the bundle:\n got %s\nwant %s", mustJSON(t, parsed), raw)
		}
		var viaJSON Bundle
		if err := json.Unmarshal(raw, &viaJSON); err != nil || viaJSON.Created != b.Created {
			t.Errorf("json.Unmarshal into Bundle: %v", err)
		}
	}
}

func TestBundleSelfSignatureIsOverInput(t *testing.T) {
	id := mustIdentity(t, "alice", "alice#a.test")
	b := id.Bundle()
	input, err := signing.Input(mustJSON(t, b))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(input), `{"address":"alice#a.test","box_key":"`) || strings.Contains(string(input), `"sig"`) {
		t.Errorf("signing input %s: want the canonical bundle without sig", input)
	}
	if !ed25519.Verify(b.SignPublic(), input, b.Sig) {
		t.Error("bundle sig is not ed25519 over the canonical input by the bundle's own sign key")
	}
}

// TestParseBundleTamper changes each member of a signed bundle after signing.
func TestParseBundleTamper(t *testing.T) {
	first := mustIdentity(t, "alice", "alice#a.test")
	rotated := mustRotate(t, first, "alice-2")
	other := mustIdentity(t, "mallory", "mallory#m.test")
	otherKey := wire.EncodeBytes(other.Bundle().SignKey)
	otherBox := wire.EncodeBytes(other.Bundle().BoxKey)

	tests := []struct {
		name   string
		from   *Identity
		tamper func(m map[string]any)
		want   wire.Defect
	}{
		// another account's address under alice's signature
		{"address", first, func(m map[string]any) { m["address"] = "bob#a.test" }, wire.BadSignature},
		// a substituted sign key (the attacker's) without re-signing
		{"sign_key", first, func(m map[string]any) { m["sign_key"] = otherKey }, wire.BadSignature},
		// a substituted box key: the classic key-substitution attack
		{"box_key", first, func(m map[string]any) { m["box_key"] = otherBox }, wire.BadSignature},
		// a changed creation time
		{"created", first, func(m map[string]any) { m["created"] = 1700000000001 }, wire.BadSignature},
		// a signature by another key
		{"sig", first, func(m map[string]any) { m["sig"] = wire.EncodeBytes(other.Bundle().Sig) }, wire.BadSignature},
		// the top-level sig covers the prev link: a changed prev.sign_key breaks it
		{"prev.sign_key", rotated, func(m map[string]any) { m["prev"].(map[string]any)["sign_key"] = otherKey }, wire.BadSignature},
		// the top-level sig covers prev.sig too
		{"prev.sig", rotated, func(m map[string]any) { m["prev"].(map[string]any)["sig"] = wire.EncodeBytes(other.Bundle().Sig) }, wire.BadSignature},
		// a prev link added to a first bundle
		{"prev added", first, func(m map[string]any) { m["prev"] = map[string]any{"sign_key": otherKey, "sig": b64(64, 1)} }, wire.BadSignature},
		// the prev link removed from a rotated bundle
		{"prev removed", rotated, func(m map[string]any) { delete(m, "prev") }, wire.BadSignature},
	}
	for _, tt := range tests {
		m := toMap(t, tt.from.Bundle())
		tt.tamper(m)
		_, err := ParseBundle(mustJSON(t, m))
		wantDefect(t, tt.name, err, tt.want)
	}
}

// TestParseBundleBadChainLink forges the prev link of a rotated bundle and
// re-signs the outside with the new key: only prev.sig can catch it.
func TestParseBundleBadChainLink(t *testing.T) {
	first := mustIdentity(t, "alice", "alice#a.test")
	rotated := mustRotate(t, first, "alice-2")
	mallory := mustIdentity(t, "mallory", "mallory#m.test")
	tests := []struct {
		name   string
		tamper func(prev map[string]any)
		want   wire.Defect
	}{
		// prev.sig by a key other than prev.sign_key
		{"prev.sig by another key", func(p map[string]any) { p["sig"] = wire.EncodeBytes(mallory.Bundle().Sig) }, wire.BadChain},
		// prev.sign_key claims another old key
		{"prev.sign_key swapped", func(p map[string]any) { p["sign_key"] = wire.EncodeBytes(mallory.Bundle().SignKey) }, wire.BadChain},
		// a truncated prev.sig
		{"prev.sig short", func(p map[string]any) { p["sig"] = b64(63, 7) }, wire.Malformed},
		// prev.sign_key of the wrong length
		{"prev.sign_key short", func(p map[string]any) { p["sign_key"] = b64(16, 7) }, wire.BadKey},
		// prev naming the bundle's own sign key is no rotation
		{"prev is self", func(p map[string]any) { p["sign_key"] = wire.EncodeBytes(rotated.Bundle().SignKey) }, wire.BadChain},
	}
	for _, tt := range tests {
		m := toMap(t, rotated.Bundle())
		tt.tamper(m["prev"].(map[string]any))
		_, err := ParseBundle(mustJSON(t, resign(t, m, rotated.SignKey())))
		wantDefect(t, tt.name, err, tt.want)
	}
	// sanity: re-signing an untouched bundle keeps it valid, so the rows above test the link
	if _, err := ParseBundle(mustJSON(t, resign(t, toMap(t, rotated.Bundle()), rotated.SignKey()))); err != nil {
		t.Errorf("re-signed untouched bundle: %v", err)
	}
}

// lowOrderPoints are the X25519 public keys of small order (and their
// non-canonical encodings), after the list in libsodium and Bernstein's
// Curve25519 page.
var lowOrderPoints = []string{
	"0000000000000000000000000000000000000000000000000000000000000000", // 0 (order 4)
	"0100000000000000000000000000000000000000000000000000000000000000", // 1 (order 1)
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", // order 8
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", // order 8
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p-1 (order 2)
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p, non-canonical 0
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p+1, non-canonical 1
	"0000000000000000000000000000000000000000000000000000000000000080", // 0 with the high bit set
}

// TestParseBundleDecodeDefects breaks the form of a bundle, re-signing it
// where needed so that the defect, not the signature, is what fails.
func TestParseBundleDecodeDefects(t *testing.T) {
	id := mustIdentity(t, "alice", "alice#a.test")
	tests := []struct {
		name   string
		tamper func(m map[string]any)
		want   wire.Defect
	}{
		// an unknown member: objects are closed
		{"unknown member", func(m map[string]any) { m["device"] = "phone" }, wire.Malformed},
		// an unknown member inside prev
		{"unknown in prev", func(m map[string]any) {
			m["prev"] = map[string]any{"sign_key": b64(32, 9), "sig": b64(64, 9), "when": 1}
		}, wire.Malformed},
		// prev without its sig
		{"prev missing sig", func(m map[string]any) { m["prev"] = map[string]any{"sign_key": b64(32, 9)} }, wire.Malformed},
		// prev of the wrong type
		{"prev not object", func(m map[string]any) { m["prev"] = "x" }, wire.Malformed},
		// each required member missing
		{"missing address", func(m map[string]any) { delete(m, "address") }, wire.Malformed},
		{"missing sign_key", func(m map[string]any) { delete(m, "sign_key") }, wire.Malformed},
		{"missing box_key", func(m map[string]any) { delete(m, "box_key") }, wire.Malformed},
		{"missing created", func(m map[string]any) { delete(m, "created") }, wire.Malformed},
		{"missing sig", func(m map[string]any) { delete(m, "sig") }, wire.Malformed},
		// null is not a value of any member
		{"null prev", func(m map[string]any) { m["prev"] = nil }, wire.Malformed},
		{"null created", func(m map[string]any) { m["created"] = nil }, wire.Malformed},
		// a member of the wrong type
		{"created string", func(m map[string]any) { m["created"] = "1700000000000" }, wire.Malformed},
		{"sign_key number", func(m map[string]any) { m["sign_key"] = 5 }, wire.BadEncoding},
		// a float is never a protocol number
		{"created float", func(m map[string]any) { m["created"] = 1.5 }, wire.BadEncoding},
		// created must be positive
		{"created zero", func(m map[string]any) { m["created"] = 0 }, wire.Malformed},
		// keys of the wrong length
		{"sign_key 31 bytes", func(m map[string]any) { m["sign_key"] = b64(31, 1) }, wire.BadKey},
		{"box_key 33 bytes", func(m map[string]any) { m["box_key"] = b64(33, 1) }, wire.BadKey},
		{"box_key empty", func(m map[string]any) { m["box_key"] = "" }, wire.BadKey},
		// padded base64 is not the wire encoding
		{"padded sign_key", func(m map[string]any) { m["sign_key"] = m["sign_key"].(string) + "=" }, wire.BadEncoding},
		// an invalid address
		{"bad address", func(m map[string]any) { m["address"] = "alice@a.test" }, wire.BadAddress},
		// an address that is valid but not canonical: re-encoding would change what was signed
		{"upper-case address", func(m map[string]any) { m["address"] = "Alice#a.test" }, wire.BadAddress},
	}
	for _, tt := range tests {
		m := toMap(t, id.Bundle())
		tt.tamper(m)
		if _, ok := m["sig"]; ok {
			if sig, err := signing.Sign(m, id.SignKey()); err == nil { // a float cannot be signed at all
				m["sig"] = wire.EncodeBytes(sig)
			}
		}
		_, err := ParseBundle(mustJSON(t, m))
		wantDefect(t, tt.name, err, tt.want)
	}
	for _, p := range lowOrderPoints {
		pt, _ := hex.DecodeString(p)
		m := resign(t, func() map[string]any { m := toMap(t, id.Bundle()); m["box_key"] = wire.EncodeBytes(pt); return m }(), id.SignKey())
		_, err := ParseBundle(mustJSON(t, m))
		wantDefect(t, "low-order box key "+p[:8], err, wire.BadKey)
	}
}

func TestParseBundleRawForms(t *testing.T) {
	id := mustIdentity(t, "alice", "alice#a.test")
	good := string(mustJSON(t, id.Bundle()))
	tests := []struct {
		name string
		raw  string
		want wire.Defect
	}{
		// happy path: re-ordered members and whitespace are the same bundle
		{"reformatted", " " + strings.Replace(good, `,"created"`, ` , "created"`, 1) + "\n", ""},
		// sad path: a duplicate member (a decoder and a verifier could disagree)
		{"duplicate created", strings.Replace(good, `{`, `{"created":1,`, 1), wire.BadEncoding},
		// not an object
		{"array", "[" + good + "]", wire.Malformed},
		// null
		{"null", "null", wire.Malformed},
		// not JSON
		{"truncated", good[:len(good)-1], wire.BadEncoding},
	}
	for _, tt := range tests {
		_, err := ParseBundle([]byte(tt.raw))
		wantDefect(t, tt.name, err, tt.want)
	}
}

func TestBundleVerifyInMemory(t *testing.T) {
	id := mustIdentity(t, "alice", "alice#a.test")
	tests := []struct {
		name   string
		tamper func(b *Bundle)
		want   wire.Defect
	}{
		// the zero bundle
		{"zero", func(b *Bundle) { *b = Bundle{} }, wire.Malformed},
		// a struct-literal address that Parse would fold
		{"upper-case address", func(b *Bundle) { b.Address.Local = "Alice" }, wire.BadAddress},
		// a changed box key
		{"box_key", func(b *Bundle) { b.BoxKey = mustIdentity(t, "x", "x#a.test").Bundle().BoxKey }, wire.BadSignature},
		// a box key of the wrong length
		{"box_key short", func(b *Bundle) { b.BoxKey = b.BoxKey[:31] }, wire.BadKey},
		// a prev link without a signature
		{"prev unsigned", func(b *Bundle) { b.Prev = &PrevLink{SignKey: make([]byte, 32)} }, wire.BadSignature},
	}
	for _, tt := range tests {
		b := id.Bundle()
		tt.tamper(&b)
		wantDefect(t, tt.name, b.Verify(), tt.want)
	}
}

func TestBundleAccessors(t *testing.T) {
	id := mustIdentity(t, "alice", "alice#a.test")
	b := id.Bundle()
	if !bytes.Equal(b.SignPublic(), id.SignKey().Public().(ed25519.PublicKey)) || *b.BoxPublic() != *id.BoxPublic() {
		t.Error("bundle public keys differ from the identity's")
	}
	if (Bundle{}).SignPublic() != nil || (Bundle{}).BoxPublic() != nil {
		t.Error("accessors of an empty bundle must return nil")
	}
	c, err := b.Canonical()
	if err != nil || !strings.HasPrefix(string(c), `{"address":"alice#a.test","box_key":`) {
		t.Fatalf("Canonical = %s, %v; want members in JCS order", c, err)
	}
	if back, err := ParseBundle(c); err != nil || !bytes.Equal(mustJSON(t, back), mustJSON(t, b)) {
		t.Errorf("ParseBundle(Canonical()) = %v; want the same bundle", err)
	}
}
