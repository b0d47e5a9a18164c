package ticket

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/strict"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

func TestTicketVerify(t *testing.T) {
	k := hostKey(t, "a.test k1")
	keys := fedsig.StaticKeys{}.Add("a.test", k)
	tk := issueAt(t, k, 0, time.Hour)
	parsed, err := ParseTicket(mustBytes(t, tk))
	if err != nil {
		t.Fatalf("ParseTicket: %v", err)
	}
	tampered, err := ParseTicket(mutate(t, mustBytes(t, tk), set("peer", `"carol#c.test"`)))
	if err != nil {
		t.Fatalf("ParseTicket: %v", err)
	}
	forged := issueAt(t, hostKey(t, "someone else"), 0, time.Hour)
	expiry := tk.Expires.Time()
	short := fedsig.KeyLookupFunc(func(context.Context, string, string) (ed25519.PublicKey, error) {
		return make(ed25519.PublicKey, 31), nil
	})
	tests := []struct {
		name string
		tk   *Ticket
		at   time.Time
		keys fedsig.KeyLookup
		want wire.Defect
	}{
		// happy path
		{"as issued", tk, now, keys, ""},
		{"as parsed from its bytes", parsed, now, keys, ""},
		{"1 ms before expiry", tk, expiry.Add(-time.Millisecond), keys, ""},
		// sad path
		{"at expiry (now == expires)", tk, expiry, keys, wire.Expired},
		{"after expiry", tk, expiry.Add(time.Hour), keys, wire.Expired},
		{"host publishes no such key", tk, now, fedsig.StaticKeys{}, wire.UnknownKey},
		{"no key lookup", tk, now, nil, wire.UnknownKey},
		{"host publishes a 31-byte key", tk, now, short, wire.BadKey},
		{"signed by another key under the same id", forged, now, keys, wire.BadSignature},
		{"peer changed after signing", tampered, now, keys, wire.BadSignature},
		// sad path: several defects, expiry is checked first
		{"expired and unknown key", tk, expiry, fedsig.StaticKeys{}, wire.Expired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.tk.Verify(context.Background(), tt.at, tt.keys)
			if got := wire.DefectOf(err); got != tt.want {
				t.Errorf("got defect %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

func TestIssue(t *testing.T) {
	k := hostKey(t, "a.test k1")
	tk := issueAt(t, k, 0, 90*time.Second)
	if want := wire.ToMillis(now) + 90_000; tk.Expires != want {
		t.Errorf("got expires %d, want %d", tk.Expires, want)
	}
	if tk.Host != "a.test" || tk.Initiator != alice || tk.Peer != bob || tk.Key != "ed25519:k1" {
		t.Errorf("got %+v", tk)
	}
	if err := strict.CheckULID(tk.ID); err != nil {
		t.Errorf("id %q: %v", tk.ID, err)
	}
	if again := issueAt(t, k, 0, 90*time.Second); !bytes.Equal(mustBytes(t, tk), mustBytes(t, again)) {
		t.Errorf("same seed and clock, different tickets:\n%s\n%s", mustBytes(t, tk), mustBytes(t, again))
	}
}

func TestIssueRejects(t *testing.T) {
	k := hostKey(t, "a.test k1")
	deps := wire.Seeded("x", now)
	tests := []struct {
		name string
		key  fedsig.ServerKey
		host string
		ttl  time.Duration
		want wire.Defect
	}{
		// sad path
		{"bad key id", fedsig.ServerKey{ID: "k1", Private: k.Private}, "a.test", time.Hour, wire.Malformed},
		{"host not canonical", k, "A.test", time.Hour, wire.BadAddress},
		{"initiator not on host", k, "b.test", time.Hour, wire.Malformed},
		{"zero ttl", k, "a.test", 0, wire.Malformed},
		{"sub-millisecond ttl", k, "a.test", time.Microsecond, wire.Malformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Issue(deps, tt.key, tt.host, alice, bob, tt.ttl)
			if got := wire.DefectOf(err); got != tt.want {
				t.Errorf("got defect %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

func TestParseTicketInvalid(t *testing.T) {
	raw := mustBytes(t, issueAt(t, hostKey(t, "a.test k1"), 0, time.Hour))
	text := func(f func(string) string) func(*testing.T) []byte {
		return func(*testing.T) []byte { return []byte(f(string(raw))) }
	}
	edit := func(f func(map[string]any)) func(*testing.T) []byte {
		return func(t *testing.T) []byte { return mutate(t, raw, f) }
	}
	tests := []struct {
		name  string
		input func(*testing.T) []byte
		want  wire.Defect
		field string
	}{
		// sad path: the JSON text
		{"not JSON", text(func(string) string { return "{" }), wire.BadEncoding, ""},
		{"trailing data", text(func(s string) string { return s + "{}" }), wire.BadEncoding, ""},
		{"duplicate member", text(func(s string) string { return strings.Replace(s, `{`, `{"host":"a.test",`, 1) }), wire.BadEncoding, "/host"},
		{"expires with a fraction", edit(set("expires", "1.5")), wire.BadEncoding, "/expires"},
		{"expires 2^53", edit(set("expires", "9007199254740992")), wire.BadEncoding, "/expires"},
		// sad path: the object shape
		{"an array", text(func(s string) string { return "[" + s + "]" }), wire.Malformed, ""},
		{"unknown member", edit(set("session", `"s1"`)), wire.Malformed, "/session"},
		{"member name in other case", edit(func(m map[string]any) { m["Peer"] = m["peer"]; delete(m, "peer") }), wire.Malformed, "/Peer"},
		{"missing id", edit(drop("id")), wire.Malformed, "/id"},
		{"missing host", edit(drop("host")), wire.Malformed, "/host"},
		{"missing initiator", edit(drop("initiator")), wire.Malformed, "/initiator"},
		{"missing peer", edit(drop("peer")), wire.Malformed, "/peer"},
		{"missing expires", edit(drop("expires")), wire.Malformed, "/expires"},
		{"missing key", edit(drop("key")), wire.Malformed, "/key"},
		{"missing sig", edit(drop("sig")), wire.Malformed, "/sig"},
		{"missing type", edit(drop("type")), wire.Malformed, "/type"},
		{"null peer", edit(set("peer", "null")), wire.Malformed, "/peer"},
		{"type of an auth proof", edit(set("type", `"session_auth"`)), wire.Malformed, "/type"},
		{"type not a string", edit(set("type", `1`)), wire.Malformed, "/type"},
		// sad path: member values
		{"id lower-case", edit(func(m map[string]any) { m["id"] = strings.ToLower(m["id"].(string)) }), wire.Malformed, "/id"},
		{"id not a ULID", edit(set("id", `"s1"`)), wire.Malformed, "/id"},
		{"id a number", edit(set("id", `1`)), wire.Malformed, "/id"},
		{"host upper-case", edit(set("host", `"A.test"`)), wire.BadAddress, "/host"},
		{"host an IP literal", edit(set("host", `"10.0.0.1"`)), wire.BadAddress, "/host"},
		{"peer without separator", edit(set("peer", `"bob"`)), wire.BadAddress, "/peer"},
		{"expires a string", edit(set("expires", `"1700000000000"`)), wire.Malformed, "/expires"},
		{"expires negative", edit(set("expires", `-1`)), wire.Malformed, "/expires"},
		{"key id with a hyphen", edit(set("key", `"ed25519:k-1"`)), wire.Malformed, "/key"},
		{"sig of 63 bytes", edit(set("sig", `"`+wire.EncodeBytes(make([]byte, 63))+`"`)), wire.Malformed, "/sig"},
		{"sig padded", edit(set("sig", `"`+wire.EncodeBytes(make([]byte, 64))+`=="`)), wire.BadEncoding, "/sig"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTicket(tt.input(t))
			var we *wire.Error
			if !errors.As(err, &we) || we.Defect != tt.want {
				t.Fatalf("got %v, want defect %s", err, tt.want)
			}
			if we.Field != tt.field {
				t.Errorf("got field %q, want %q (%v)", we.Field, tt.field, err)
			}
		})
	}
}

// TestTicketJSON checks that a ticket inside another object keeps its bytes
// and is decoded strictly.
func TestTicketJSON(t *testing.T) {
	tk := issueAt(t, hostKey(t, "a.test k1"), 0, time.Hour)
	type event struct {
		Ticket *Ticket `json:"ticket"`
	}
	out, err := json.Marshal(event{tk})
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	if !bytes.Contains(out, mustBytes(t, tk)) {
		t.Errorf("event %s does not hold the ticket's bytes", out)
	}
	var back event
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if back.Ticket.ID != tk.ID {
		t.Errorf("got id %s, want %s", back.Ticket.ID, tk.ID)
	}
	bad := bytes.Replace(out, []byte(`"type":"session_ticket"`), []byte(`"type":"session_ticket","x":1`), 1)
	if err := json.Unmarshal(bad, &back); wire.DefectOf(err) != wire.Malformed {
		t.Errorf("unknown member inside an event: got %v, want malformed", err)
	}
}
