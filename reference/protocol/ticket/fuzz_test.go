package ticket

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// FuzzParseTicket checks that parsing and verifying never panic, always
// give a typed defect, and that a parsed ticket keeps the input bytes.
func FuzzParseTicket(f *testing.F) {
	k := hostKey(f, "a.test k1")
	keys := fedsig.StaticKeys{}.Add("a.test", k)
	f.Add(mustBytes(f, issueAt(f, k, 0, time.Hour)))
	f.Add([]byte(`{"type":"session_ticket","id":"01HZZZZZZZZZZZZZZZZZZZZZZZ"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		tk, err := ParseTicket(raw)
		if err != nil {
			if wire.DefectOf(err) == "" {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if !bytes.Equal(mustBytes(t, tk), raw) {
			t.Fatal("parsed ticket does not keep its bytes")
		}
		if err := tk.Verify(context.Background(), now, keys); err != nil && wire.DefectOf(err) == "" {
			t.Fatalf("untyped verify error %v", err)
		}
	})
}

// FuzzParseAuth checks ParseAuth and VerifyAuth the same way, against a
// fixed ticket.
func FuzzParseAuth(f *testing.F) {
	tk := issueAt(f, hostKey(f, "a.test k1"), 0, time.Hour)
	bobPub := accountKey("bob").Public().(ed25519.PublicKey)
	f.Add(mustBytes(f, authAt(f, tk, 0)))
	f.Add([]byte(`{"type":"session_auth","nonce":"AAAAAAAAAAAAAAAAAAAAAA"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := ParseAuth(raw)
		if err != nil {
			if wire.DefectOf(err) == "" {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if !bytes.Equal(mustBytes(t, a), raw) {
			t.Fatal("parsed proof does not keep its bytes")
		}
		if err := VerifyAuth(now, a, tk, bobPub); err != nil && wire.DefectOf(err) == "" {
			t.Fatalf("untyped verify error %v", err)
		}
	})
}
