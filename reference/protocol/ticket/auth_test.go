package ticket

import (
	"context"
	"crypto/ed25519"
	"errors"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

func TestVerifyAuth(t *testing.T) {
	k := hostKey(t, "a.test k1")
	tk := issueAt(t, k, 0, time.Hour)
	other := issueAt(t, k, time.Second, time.Hour) // another ticket for the same pair
	bobPub := accountKey("bob").Public().(ed25519.PublicKey)
	fresh := authAt(t, tk, 0)
	parsed, err := ParseAuth(mustBytes(t, fresh))
	if err != nil {
		t.Fatalf("ParseAuth: %v", err)
	}
	proof := func(peer string, host string, key ed25519.PrivateKey) *Auth {
		a, err := NewAuth(wire.Seeded("auth", now), tk.ID, mustAddr(t, peer), host, key)
		if err != nil {
			t.Fatalf("NewAuth: %v", err)
		}
		return a
	}
	tamperedNonce, err := ParseAuth(mutate(t, mustBytes(t, fresh), set("nonce", `"`+wire.EncodeBytes(make16())+`"`)))
	if err != nil {
		t.Fatalf("ParseAuth: %v", err)
	}
	tests := []struct {
		name string
		auth *Auth
		tk   *Ticket
		key  ed25519.PublicKey
		want wire.Defect
	}{
		// happy path
		{"fresh proof", fresh, tk, bobPub, ""},
		{"as parsed from its bytes", parsed, tk, bobPub, ""},
		{"ts exactly 300000 ms in the past", authAt(t, tk, -fedsig.MaxSkew), tk, bobPub, ""},
		{"ts exactly 300000 ms in the future", authAt(t, tk, fedsig.MaxSkew), tk, bobPub, ""},
		// sad path
		{"ts 300001 ms in the past", authAt(t, tk, -fedsig.MaxSkew-time.Millisecond), tk, bobPub, wire.ClockSkew},
		{"ts 300001 ms in the future", authAt(t, tk, fedsig.MaxSkew+time.Millisecond), tk, bobPub, wire.ClockSkew},
		{"proof for another ticket", fresh, other, bobPub, wire.Malformed},
		{"proof by someone other than the ticket's peer", proof("carol#c.test", "a.test", accountKey("carol")), tk, bobPub, wire.Malformed},
		{"proof for another host", proof("bob#b.test", "c.test", accountKey("bob")), tk, bobPub, wire.WrongDestination},
		{"signed by another key", proof("bob#b.test", "a.test", accountKey("carol")), tk, bobPub, wire.BadSignature},
		{"nonce changed after signing", tamperedNonce, tk, bobPub, wire.BadSignature},
		{"peer key of 31 bytes", fresh, tk, bobPub[:31], wire.BadKey},
		// sad path: several defects, the first check in the documented order wins
		{"another peer and stale: malformed first", func() *Auth {
			a, err := NewAuth(wire.Seeded("auth", now.Add(time.Hour)), tk.ID, carol, "a.test", accountKey("carol"))
			if err != nil {
				t.Fatal(err)
			}
			return a
		}(), tk, bobPub, wire.Malformed},
		{"stale and signed by another key: clock_skew first", func() *Auth {
			a, err := NewAuth(wire.Seeded("auth", now.Add(time.Hour)), tk.ID, bob, "a.test", accountKey("carol"))
			if err != nil {
				t.Fatal(err)
			}
			return a
		}(), tk, bobPub, wire.ClockSkew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyAuth(now, tt.auth, tt.tk, tt.key)
			if got := wire.DefectOf(err); got != tt.want {
				t.Errorf("got defect %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

func TestAccept(t *testing.T) {
	k := hostKey(t, "a.test k1")
	keys := fedsig.StaticKeys{}.Add("a.test", k)
	bobPub := accountKey("bob").Public().(ed25519.PublicKey)
	tk := issueAt(t, k, 0, time.Minute)
	expired := issueAt(t, k, -time.Hour, time.Minute)
	tests := []struct {
		name string
		self string
		tk   *Ticket
		auth *Auth
		want wire.Defect
	}{
		// happy path
		{"ticket and proof at their host", "a.test", tk, authAt(t, tk, 0), ""},
		// sad path
		{"ticket of another host", "b.test", tk, authAt(t, tk, 0), wire.WrongDestination},
		{"expired ticket", "a.test", expired, authAt(t, expired, 0), wire.Expired},
		{"stale proof", "a.test", tk, authAt(t, tk, -time.Hour), wire.ClockSkew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Accept(context.Background(), now, tt.self, tt.tk, tt.auth, keys, bobPub)
			if got := wire.DefectOf(err); got != tt.want {
				t.Errorf("got defect %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

func TestNewAuthDeterministic(t *testing.T) {
	tk := issueAt(t, hostKey(t, "a.test k1"), 0, time.Hour)
	a, b := authAt(t, tk, 0), authAt(t, tk, 0)
	if string(mustBytes(t, a)) != string(mustBytes(t, b)) {
		t.Errorf("same seed, different proofs:\n%s\n%s", mustBytes(t, a), mustBytes(t, b))
	}
	if len(a.Nonce) != NonceSize {
		t.Errorf("got a %d-byte nonce, want %d", len(a.Nonce), NonceSize)
	}
}

func TestNewAuthRejects(t *testing.T) {
	tk := issueAt(t, hostKey(t, "a.test k1"), 0, time.Hour)
	deps := wire.Seeded("x", now)
	tests := []struct {
		name     string
		ticketID string
		host     string
		key      ed25519.PrivateKey
		want     wire.Defect
	}{
		// sad path
		{"ticket id not a ULID", "t1", "a.test", accountKey("bob"), wire.Malformed},
		{"host not a domain", tk.ID, "a", accountKey("bob"), wire.BadAddress},
		{"sign key of 10 bytes", tk.ID, "a.test", make(ed25519.PrivateKey, 10), wire.BadKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewAuth(deps, tt.ticketID, bob, tt.host, tt.key)
			if got := wire.DefectOf(err); got != tt.want {
				t.Errorf("got defect %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

func TestParseAuthInvalid(t *testing.T) {
	raw := mustBytes(t, authAt(t, issueAt(t, hostKey(t, "a.test k1"), 0, time.Hour), 0))
	tests := []struct {
		name  string
		edit  func(map[string]any)
		want  wire.Defect
		field string
	}{
		// sad path
		{"type of a ticket", set("type", `"session_ticket"`), wire.Malformed, "/type"},
		{"unknown member", set("expires", `1`), wire.Malformed, "/expires"},
		{"missing nonce", drop("nonce"), wire.Malformed, "/nonce"},
		{"missing ts", drop("ts"), wire.Malformed, "/ts"},
		{"nonce of 15 bytes", set("nonce", `"`+wire.EncodeBytes(make([]byte, 15))+`"`), wire.Malformed, "/nonce"},
		{"nonce not base64url", set("nonce", `"a+b/"`), wire.BadEncoding, "/nonce"},
		{"ts a string", set("ts", `"1700000000000"`), wire.Malformed, "/ts"},
		{"ts a float", set("ts", `1.7e12`), wire.BadEncoding, "/ts"},
		{"ticket id lower-case", set("ticket", `"01hzzzzzzzzzzzzzzzzzzzzzzz"`), wire.Malformed, "/ticket"},
		{"peer with an @", set("peer", `"bob@b.test"`), wire.BadAddress, "/peer"},
		{"host with a trailing dot", set("host", `"a.test."`), wire.BadAddress, "/host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAuth(mutate(t, raw, tt.edit))
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
