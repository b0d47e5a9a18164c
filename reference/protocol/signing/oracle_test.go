package signing

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// This file keeps the previous signing input as the oracle of a
// differential test: canonicalise, then take members out of the canonical
// text by decoding it into a map, re-encoding and canonicalising again.

// oldInputWithout is InputWithout as it was.
func oldInputWithout(obj []byte, path ...string) ([]byte, error) {
	c, err := canonical.Protocol(obj)
	if err != nil {
		return nil, err
	}
	if c[0] != '{' {
		return nil, wire.Errorf(wire.Malformed, "", "a signed value must be a JSON object")
	}
	for _, p := range [][]string{{sigMember}, path} {
		if len(p) == 0 {
			continue
		}
		out, removed, err := oldRemove(c, p, "")
		if err != nil {
			return nil, err
		}
		if removed {
			if c, err = canonical.Protocol(out); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// oldRemove deletes the member at path from the JSON object obj.
func oldRemove(obj []byte, path []string, at string) ([]byte, bool, error) {
	members, err := oldMembers(obj, at)
	if err != nil {
		return nil, false, err
	}
	child, ok := members[path[0]]
	if !ok {
		return obj, false, nil
	}
	if len(path) == 1 {
		delete(members, path[0])
	} else {
		out, removed, err := oldRemove(child, path[1:], at+"/"+path[0])
		if err != nil || !removed {
			return obj, false, err
		}
		members[path[0]] = out
	}
	out, err := json.Marshal(members)
	return out, err == nil, err
}

// oldLookup returns the raw value of the member at path in the canonical object c.
func oldLookup(c []byte, path []string) (json.RawMessage, error) {
	at := ""
	for _, name := range path {
		m, err := oldMembers(c, at)
		if err != nil {
			return nil, err
		}
		at += "/" + name
		v, ok := m[name]
		if !ok {
			return nil, wire.Errorf(wire.Malformed, at, "member is missing")
		}
		c = v
	}
	return c, nil
}

func oldMembers(obj []byte, at string) (map[string]json.RawMessage, error) {
	if len(obj) == 0 || obj[0] != '{' {
		return nil, wire.Errorf(wire.Malformed, at, "must be a JSON object")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		return nil, wire.Wrap(wire.Malformed, at, err)
	}
	return m, nil
}

// oldVerifyField is VerifyField as it was (after the path and key checks).
func oldVerifyField(raw []byte, pub ed25519.PublicKey, path []string) error {
	c, err := canonical.Protocol(raw)
	if err != nil {
		return err
	}
	if c[0] != '{' {
		return wire.Errorf(wire.Malformed, "", "a signed value must be a JSON object")
	}
	v, err := oldLookup(c, path)
	if err != nil {
		return err
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return wire.Errorf(wire.Malformed, pointer(path), "signature must be a string")
	}
	sig, err := wire.DecodeBytes(s)
	if err != nil {
		return wire.Errorf(wire.BadEncoding, pointer(path), "signature is not unpadded base64url")
	}
	if len(sig) != ed25519.SignatureSize {
		return wire.Errorf(wire.Malformed, pointer(path), "signature is %d bytes", len(sig))
	}
	input, err := oldInputWithout(raw, path...)
	if err != nil {
		return err
	}
	if !ed25519.Verify(pub, input, sig) {
		return wire.Errorf(wire.BadSignature, pointer(path), "signature does not verify")
	}
	return nil
}

// fieldOf returns the field of a *wire.Error, or "".
func fieldOf(err error) string {
	var we *wire.Error
	if errors.As(err, &we) {
		return we.Field
	}
	return ""
}

// differentialPaths are the signature paths FuzzAgainstOld tries on
// every input.
var differentialPaths = [][]string{nil, {"sig"}, {"prev", "sig"}, {"sig", "x"}, {"a", "b", "c"}}

// FuzzAgainstOld checks that InputWithout and VerifyField give what the
// previous implementation gave, for every path in differentialPaths: the
// same bytes, or errors of the same defect and field.
func FuzzAgainstOld(f *testing.F) {
	priv := testKey("fuzz")
	obj := map[string]any{"address": "alice#a.test", "created": 1700000000000, "prev": map[string]any{"sign_key": "k"}}
	prevSig, err := SignField(obj, priv, "prev", "sig")
	if err != nil {
		f.Fatal(err)
	}
	obj["prev"].(map[string]any)["sig"] = prevSig
	if obj["sig"], err = Sign(obj, priv); err != nil {
		f.Fatal(err)
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	for _, s := range []string{`{"sig":"AAAA"}`, `{"prev":"x","sig":{"x":1}}`, `{"a":{"b":[]},"sig":2}`, `[{}]`, `{"a":{"b":{"c":"d","e":1}}}`} {
		f.Add([]byte(s))
	}
	pub := priv.Public().(ed25519.PublicKey)
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, path := range differentialPaths {
			got, err := InputWithout(raw, path...)
			want, wantErr := oldInputWithout(raw, path...)
			sameOutcome(t, "InputWithout", raw, path, got, want, err, wantErr)
			if len(path) > 0 {
				err, wantErr := VerifyField(raw, pub, path...), oldVerifyField(raw, pub, path)
				sameOutcome(t, "VerifyField", raw, path, nil, nil, err, wantErr)
			}
		}
	})
}

// sameOutcome fails t unless two results agree in bytes and defect, and
// in the field of the error unless it comes from the canonicaliser (whose
// messages are its own).
func sameOutcome(t *testing.T, name string, raw []byte, path []string, got, want []byte, err, wantErr error) {
	t.Helper()
	d := wire.DefectOf(err)
	if !bytes.Equal(got, want) || d != wire.DefectOf(wantErr) || (d != wire.BadEncoding && fieldOf(err) != fieldOf(wantErr)) {
		t.Fatalf("%s(%q, %q) = %q, %v; previously %q, %v", name, raw, path, got, err, want, wantErr)
	}
}
