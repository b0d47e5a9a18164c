package fedsig

import (
	"context"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// FuzzParseAuthorization checks that parsing never panics and that every
// accepted header survives a round trip through its canonical form.
func FuzzParseAuthorization(f *testing.F) {
	f.Add(withSig(header(canonicalParams)))
	f.Add(withSig(header(`sig="SIG" , ts = "0",key="ed25519:k1",destination="b.test",origin="a.test"`)))
	f.Fuzz(func(t *testing.T, h string) {
		p, err := ParseAuthorization(h)
		if err != nil {
			if wire.DefectOf(err) != wire.Malformed {
				t.Fatalf("got defect %q (%v), want malformed", wire.DefectOf(err), err)
			}
			return
		}
		again, err := ParseAuthorization(p.Header())
		if err != nil {
			t.Fatalf("canonical form %q does not parse: %v", p.Header(), err)
		}
		if again.Header() != p.Header() {
			t.Fatalf("round trip changed %q to %q", p.Header(), again.Header())
		}
	})
}

// FuzzVerify feeds random requests to a verifier that knows one key; it
// must never panic, must always return a typed defect, and may only accept
// requests the key really signed.
func FuzzVerify(f *testing.F) {
	k := testKey(f, "a.test k1", "ed25519:k1")
	keys := StaticKeys{}.Add("a.test", k)
	good := signAt(f, k, 0, inbox, []byte(`{"items":[]}`))
	f.Add(good.header, good.method, good.target, good.body, int64(0))
	f.Add(good.header, good.method, good.target, []byte(`{"items":[1]}`), int64(300001))
	f.Fuzz(func(t *testing.T, h, method, target string, body []byte, skewMillis int64) {
		at := now.Add(time.Duration(skewMillis%(1<<40)) * time.Millisecond)
		p, err := Verify(context.Background(), at, h, method, target, body, "b.test", keys)
		if err != nil {
			if wire.DefectOf(err) == "" {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		in, err := SigningInput(method, target, p.Origin, p.Destination, p.Key, p.TS, body)
		if err != nil {
			t.Fatalf("accepted a request whose signing input fails: %v", err)
		}
		if p.Origin != "a.test" || p.Key != "ed25519:k1" || len(in) == 0 {
			t.Fatalf("accepted a request from %s %s", p.Origin, p.Key)
		}
	})
}
