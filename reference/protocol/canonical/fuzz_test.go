package canonical

import (
	"bytes"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// FuzzTransform checks that Transform never panics, fails only with
// bad_encoding, is idempotent, and that Protocol accepts a subset of what
// Transform accepts with the same output.
func FuzzTransform(f *testing.F) {
	for _, s := range []string{`{"b":1,"a":[true,null,"x"]}`, `"\ud83d\ude00"`, `[1e30,4.50,-0]`, `{"a":1,"a":2}`, `"\ud800"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		out, err := Transform(raw)
		if err != nil {
			if wire.DefectOf(err) != wire.BadEncoding {
				t.Fatalf("Transform(%q): %v is not a bad_encoding error", raw, err)
			}
			if _, perr := Protocol(raw); perr == nil {
				t.Fatalf("Protocol(%q) accepts what Transform rejects (%v)", raw, err)
			}
			return
		}
		again, err := Transform(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("Transform not idempotent on %q: %q, then %q, %v", raw, out, again, err)
		}
		if pout, err := Protocol(raw); err == nil && !bytes.Equal(pout, out) {
			t.Fatalf("Protocol(%q) = %q, Transform = %q", raw, pout, out)
		}
	})
}
