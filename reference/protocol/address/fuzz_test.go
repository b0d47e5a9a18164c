package address

import (
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// FuzzParse checks that Parse never panics, that every failure is a
// bad_address error with a known reason, and that a parsed address
// round-trips: Parse(a.String()) == a, and its text is within the limits.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"alice#a.test", "Alice#IM.Example.COM", "a#xn--mnchen-3ya.de", "a#127.0.0.1", "a@b.c", "#", "a#b#c"} {
		f.Add(s)
	}
	known := map[Reason]bool{}
	for _, r := range Reasons {
		known[r] = true
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			if wire.DefectOf(err) != wire.BadAddress || !known[ReasonOf(err)] {
				t.Fatalf("Parse(%q): error %v is not a bad_address with a known reason", s, err)
			}
			return
		}
		if a.String() != strings.ToLower(s) || len(s) > MaxLength {
			t.Fatalf("Parse(%q) = %q: not the folded input, or too long", s, a)
		}
		back, err := Parse(a.String())
		if err != nil || back != a {
			t.Fatalf("Parse(%q.String()) = %#v, %v; want %#v", s, back, err, a)
		}
		if _, err := a.MarshalText(); err != nil {
			t.Fatalf("MarshalText of parsed %q: %v", s, err)
		}
	})
}
