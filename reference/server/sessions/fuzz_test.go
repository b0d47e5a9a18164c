package sessions

import (
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// FuzzParseOpen feeds first frames to the step-1 parser: it never panics,
// and what it accepts carries a ticket and a proof that encode again.
func FuzzParseOpen(f *testing.F) {
	now := time.UnixMilli(1_700_000_000_000)
	key, _ := fedsig.NewServerKey(wire.Seeded("fuzz key", now), "ed25519:k1")
	bob, _ := keys.NewIdentity(wire.Seeded("fuzz bob", now), address.MustParse("bob#b.test"))
	tk, _ := ticket.Issue(wire.Seeded("fuzz", now), key, "a.test", address.MustParse("alice#a.test"), bob.Address(), time.Hour)
	auth, _ := ticket.NewAuth(wire.Seeded("fuzz auth", now), tk.ID, bob.Address(), "a.test", bob.SignKey())
	f.Add(openFrameOf(tk, auth))
	f.Add([]byte(`{"type":"session_open"}`))
	f.Add([]byte(`{"type":"ping"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"type":"session_open","ticket":{},"auth":{},"extra":1}`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		of, err := parseOpen(msg)
		if err != nil {
			return
		}
		if _, err := of.ticket.Bytes(); err != nil {
			t.Fatalf("an accepted ticket does not encode: %v", err)
		}
		if _, err := of.auth.Bytes(); err != nil {
			t.Fatalf("an accepted proof does not encode: %v", err)
		}
	})
}
