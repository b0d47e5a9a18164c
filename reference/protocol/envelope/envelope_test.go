package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// validEnvelope returns the JSON of a sealed envelope from alice to bob.
func validEnvelope(t testing.TB) []byte {
	t.Helper()
	alice, bob := newAccount(t, "alice#a.test"), newAccount(t, "bob#b.test")
	env, _ := seal(t, "parse", alice, bob.addr, recipients(bob), "hi")
	return mustMarshal(t, env)
}

func TestParseEnvelopeRoundTrip(t *testing.T) {
	raw := validEnvelope(t)
	env, err := ParseEnvelope(raw)
	if err != nil {
		t.Fatalf("ParseEnvelope: %v", err)
	}
	again := mustMarshal(t, env)
	if !bytes.Equal(raw, again) {
		t.Fatalf("round trip changed the bytes:\n%s\n%s", raw, again)
	}
	if env.Size() != len(raw) {
		t.Errorf("Size() = %d, the encoding has %d bytes", env.Size(), len(raw))
	}
	var viaUnmarshal Envelope
	if err := json.Unmarshal(raw, &viaUnmarshal); err != nil {
		t.Fatalf("json.Unmarshal: %v", err)
	}
	if !bytes.Equal(mustMarshal(t, &viaUnmarshal), raw) {
		t.Error("json.Unmarshal and ParseEnvelope disagree")
	}
}

// The member order of the wire form is the contract's.
func TestEnvelopeMemberOrder(t *testing.T) {
	raw := string(validEnvelope(t))
	last := -1
	for _, name := range []string{`"v"`, `"id"`, `"from"`, `"to"`, `"ts"`, `"ttl"`, `"keys"`, `"payload"`} {
		i := strings.Index(raw, name+":")
		if i <= last {
			t.Fatalf("member %s out of order in %s", name, raw)
		}
		last = i
	}
}

func TestParseEnvelope(t *testing.T) {
	valid := validEnvelope(t)
	key80 := wire.EncodeBytes(make([]byte, WrappedKeySize))
	tests := []struct {
		name   string
		raw    []byte
		defect wire.Defect // "" for the happy path
		field  string
	}{
		// happy path
		{"sealed envelope", valid, "", ""},
		// happy path: members in another order, spaces
		{"reordered", set(t, valid, "ttl", ` 60 `), "", ""},
		// happy path: a session id
		{"with session", set(t, valid, "session", `"01ARZ3NDEKTSV4RRFFQ69G5FAV"`), "", ""},
		// sad path: an object carries addresses in canonical form, never folded
		{"upper-case from", set(t, valid, "from", `"ALICE#A.test"`), wire.BadAddress, "/from"},

		// sad path: size is checked before anything else
		{"too large", append(valid, bytes.Repeat([]byte(" "), MaxEnvelopeBytes)...), wire.TooLarge, ""},
		// not JSON
		{"truncated", valid[:len(valid)-1], wire.BadEncoding, ""},
		// two objects
		{"trailing data", append(append([]byte{}, valid...), "{}"...), wire.BadEncoding, ""},
		// invalid UTF-8
		{"invalid UTF-8", []byte("{\"v\":1,\"id\":\"\xff\"}"), wire.BadEncoding, ""},
		// not an object
		{"array", []byte(`[1]`), wire.Malformed, ""},
		// a later version wins over its unknown members
		{"v2 with new member", set(t, set(t, valid, "v", `2`), "ratchet", `{}`), wire.UnsupportedVersion, "/v"},
		// version missing
		{"no v", unset(t, valid, "v"), wire.Malformed, "/v"},
		// version as a string
		{"v string", set(t, valid, "v", `"1"`), wire.Malformed, "/v"},
		// unknown member
		{"unknown member", set(t, valid, "cc", `"carol#c.test"`), wire.Malformed, "/cc"},
		// duplicate member
		{"duplicate member", append([]byte(`{"ttl":5,`), valid[1:]...), wire.BadEncoding, "/ttl"},
		// missing payload
		{"no payload", unset(t, valid, "payload"), wire.Malformed, "/payload"},
		// id not a ULID
		{"bad id", set(t, valid, "id", `"not-a-ulid"`), wire.Malformed, "/id"},
		// id in lower case: aliases would break idempotency
		{"lower-case id", set(t, valid, "id", `"01arz3ndektsv4rrffq69g5fav"`), wire.Malformed, "/id"},
		// id beyond the 48-bit time range
		{"id overflow", set(t, valid, "id", `"81ARZ3NDEKTSV4RRFFQ69G5FAV"`), wire.Malformed, "/id"},
		// bad from
		{"bad from", set(t, valid, "from", `"alice@a.test"`), wire.BadAddress, "/from"},
		// bad to
		{"bad to", set(t, valid, "to", `"bob#localhost"`), wire.BadAddress, "/to"},
		// session not a ULID
		{"bad session", set(t, valid, "session", `""`), wire.Malformed, "/session"},
		// ts as a float
		{"ts float", set(t, valid, "ts", `1700000000000.0`), wire.Malformed, "/ts"},
		// ts with an exponent
		{"ts exponent", set(t, valid, "ts", `17e11`), wire.Malformed, "/ts"},
		// ts beyond 2^53-1
		{"ts too big", set(t, valid, "ts", `9007199254740992`), wire.BadEncoding, "/ts"},
		// ts before 1970
		{"ts negative", set(t, valid, "ts", `-1`), wire.Malformed, "/ts"},
		// ttl zero
		{"ttl zero", set(t, valid, "ttl", `0`), wire.Malformed, "/ttl"},
		// ttl as a string
		{"ttl string", set(t, valid, "ttl", `"60"`), wire.Malformed, "/ttl"},
		// no keys
		{"empty keys", set(t, valid, "keys", `{}`), wire.Malformed, "/keys"},
		// keys not an object
		{"keys array", set(t, valid, "keys", `[]`), wire.Malformed, "/keys"},
		// a key for a non-address
		{"bad key address", set(t, valid, "keys", `{"bob":"`+key80+`"}`), wire.BadAddress, "/keys/bob"},
		// two spellings of one reader
		{"reader in upper case beside its canonical form", set(t, valid, "keys", `{"bob#b.test":"`+key80+`","BOB#b.test":"`+key80+`"}`), wire.BadAddress, "/keys/BOB#b.test"},
		// a wrapped key of the wrong size
		{"short wrapped key", set(t, valid, "keys", `{"bob#b.test":"AAAA"}`), wire.BadKey, "/keys/bob#b.test"},
		// padded base64
		{"padded wrapped key", set(t, valid, "keys", `{"bob#b.test":"`+key80+`=="}`), wire.BadEncoding, "/keys/bob#b.test"},
		// payload in standard base64
		{"payload std base64", set(t, valid, "payload", `"ab+/"`), wire.BadEncoding, "/payload"},
		// payload with nonce and tag but no ciphertext
		{"short payload", set(t, valid, "payload", `"`+wire.EncodeBytes(make([]byte, 40))+`"`), wire.Malformed, "/payload"},
		// payload null
		{"payload null", set(t, valid, "payload", `null`), wire.Malformed, "/payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := ParseEnvelope(tt.raw)
			if tt.defect == "" {
				if err != nil {
					t.Fatalf("ParseEnvelope: %v", err)
				}
				if err := env.Check(); err != nil {
					t.Fatalf("parsed envelope fails Check: %v", err)
				}
				return
			}
			wantDefect(t, err, tt.defect)
			if got := fieldOf(err); got != tt.field {
				t.Errorf("got field %q, want %q (%v)", got, tt.field, err)
			}
		})
	}
}

func TestCheckTTL(t *testing.T) {
	env := &Envelope{TTL: DefaultMaxTTL}
	// happy path: the maximum itself is allowed
	if err := CheckTTL(env, DefaultMaxTTL); err != nil {
		t.Fatal(err)
	}
	// sad path: one second more is not
	env.TTL++
	wantDefect(t, CheckTTL(env, DefaultMaxTTL), wire.Malformed)
}

func TestMarshalRefusesInvalid(t *testing.T) {
	env, err := ParseEnvelope(validEnvelope(t))
	if err != nil {
		t.Fatal(err)
	}
	env.Keys = nil
	if _, err := json.Marshal(env); err == nil {
		t.Fatal("marshalled an envelope without keys")
	}
}

func TestCheckNamesTheMember(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(env *Envelope)
		defect wire.Defect
		field  string
	}{
		// each header member, reported as a JSON Pointer as the decoder does
		{"id in lower case", func(env *Envelope) { env.ID = strings.ToLower(env.ID) }, wire.Malformed, "/id"},
		{"from not canonical", func(env *Envelope) { env.From.Local = "Alice" }, wire.BadAddress, "/from"},
		{"to missing", func(env *Envelope) { env.To = address.Address{} }, wire.BadAddress, "/to"},
		{"session not a ULID", func(env *Envelope) { env.Session = "s1" }, wire.Malformed, "/session"},
		{"ts negative", func(env *Envelope) { env.TS = -1 }, wire.Malformed, "/ts"},
		{"ttl zero", func(env *Envelope) { env.TTL = 0 }, wire.Malformed, "/ttl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := ParseEnvelope(validEnvelope(t))
			if err != nil {
				t.Fatal(err)
			}
			tt.tamper(env)
			err = env.Check()
			var e *wire.Error
			if !errors.As(err, &e) || e.Defect != tt.defect || e.Field != tt.field {
				t.Fatalf("Check() = %v, want defect %s at %s", err, tt.defect, tt.field)
			}
		})
	}
}

// set returns obj with member name set to value (added when absent), the
// other members in their original order.
func set(t testing.TB, obj []byte, name, value string) []byte {
	t.Helper()
	out := unset(t, obj, name)
	return append(append(out[:len(out)-1:len(out)-1], `,"`+name+`":`+value...), '}')
}

// unset returns obj without member name.
func unset(t testing.TB, obj []byte, name string) []byte {
	t.Helper()
	members, err := splitObject(obj, "")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(obj))
	out := []byte{'{'}
	_, _ = dec.Token()
	for dec.More() {
		tok, _ := dec.Token()
		var v json.RawMessage
		_ = dec.Decode(&v)
		if n := tok.(string); n != name {
			if len(out) > 1 {
				out = append(out, ',')
			}
			out = append(out, `"`+n+`":`...)
			out = append(out, members[n]...)
		}
	}
	return append(out, '}')
}

// compareAddress agrees with comparing the wire forms.
func TestCompareAddress(t *testing.T) {
	addrs := []string{"bob#b.test", "bobby#b.test", "bob.x#b.test", "bob-x#b.test", "bob_x#b.test", "bob9#b.test", "bob#a.test", "b#zz.test", "a#b.test"}
	for _, x := range addrs {
		for _, y := range addrs {
			a, b := address.MustParse(x), address.MustParse(y)
			if got, want := compareAddress(a, b), strings.Compare(x, y); got != want {
				t.Errorf("compareAddress(%s, %s) = %d, want %d", x, y, got, want)
			}
		}
	}
}
