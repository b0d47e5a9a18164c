package canonical

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/gowebpki/jcs"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

func TestCompareNames(t *testing.T) {
	tests := []struct {
		a, b string
		want int // sign
	}{
		// happy path: ASCII in byte order
		{"a", "b", -1},
		// a prefix comes first
		{"sig", "sign_key", -1},
		// equal names
		{"é", "é", 0},
		// U+1F600 (UTF-16 D83D DE00) before U+FB33 although its code point is larger
		{"😀", "\ufb33", -1},
		// and before U+E000, the first code point after the surrogates
		{"\U00010000", "\ue000", -1},
		// but after U+D7FF, the last code point before them
		{"\U00010000", "\ud7ff", 1},
		// two supplementary characters in code point order
		{"\U00010000", "\U0010ffff", -1},
		// the difference in a continuation byte: U+00E9 before U+00EA
		{"é", "ê", -1},
		// the order decided after a common non-ASCII prefix
		{"€😀", "€\uffff", -1},
	}
	for _, tt := range tests {
		got := compareNames([]byte(tt.a), []byte(tt.b))
		back := compareNames([]byte(tt.b), []byte(tt.a))
		if sign(got) != tt.want || sign(back) != -tt.want {
			t.Errorf("compareNames(%q, %q) = %d (reverse %d), want sign %d", tt.a, tt.b, got, back, tt.want)
		}
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func TestDepthLimit(t *testing.T) {
	tests := []struct {
		name                string
		depth               int
		open, inner, closer string
		ok                  bool
	}{
		// happy path: arrays as deep as encoding/json and jcs allow
		{"arrays at the limit", maxDepth, `[`, ``, `]`, true},
		// objects at the limit
		{"objects at the limit", maxDepth, `{"a":`, `0`, `}`, true},
		// sad path: one level more
		{"arrays beyond", maxDepth + 1, `[`, ``, `]`, false},
		// objects beyond
		{"objects beyond", maxDepth + 1, `{"a":`, `0`, `}`, false},
	}
	for _, tt := range tests {
		raw := []byte(strings.Repeat(tt.open, tt.depth) + tt.inner + strings.Repeat(tt.closer, tt.depth))
		got, err := Transform(raw)
		switch {
		case tt.ok && (err != nil || string(got) != string(raw)):
			t.Errorf("%s: Transform: %v", tt.name, err)
		case !tt.ok && wire.DefectOf(err) != wire.BadEncoding:
			t.Errorf("%s: Transform = %v, want a bad_encoding error", tt.name, err)
		}
		agree(t, "Transform", raw, Transform, oldTransform)
	}
}

// TestDeepUnsorted puts every level of a deep nest out of order, so that
// every object is reordered inside a reordered object.
func TestDeepUnsorted(t *testing.T) {
	const depth = 2000
	var b strings.Builder
	for range depth {
		b.WriteString(`{"z":1,"y":[2,"s"],"x":`)
	}
	b.WriteString(`{}`)
	for range depth {
		b.WriteString(`,"a":{"c":3,"b":4}}`)
	}
	raw := []byte(b.String())
	agree(t, "Transform", raw, Transform, oldTransform)
	agree(t, "Protocol", raw, Protocol, oldProtocol)
}

func TestErrorFields(t *testing.T) {
	tests := []struct {
		name, in, field string
	}{
		// a float names the member that holds it
		{"float", `{"a":[1,{"b":1.5}]}`, "/a/1/b"},
		// an integer out of range inside an array
		{"range", `[0,9007199254740992]`, "/1"},
		// a duplicate names the member
		{"duplicate", `{"x":{"b":1,"a":2,"b":3}}`, "/x/b"},
		// a duplicate found without reordering
		{"sorted duplicate", `{"x":{"a":1,"a":2}}`, "/x/a"},
		// a syntax error names the container
		{"syntax", `{"x":{"a":1 "b":2}}`, "/x"},
		// a bad string names its member
		{"lone surrogate", `{"x":["\ud800"]}`, "/x/0"},
		// the whole text
		{"trailing", `{} x`, ""},
	}
	for _, tt := range tests {
		_, err := Protocol([]byte(tt.in))
		var e *wire.Error
		if !errors.As(err, &e) || e.Defect != wire.BadEncoding || e.Field != tt.field {
			t.Errorf("%s: Protocol(%s) = %v; want bad_encoding at %q", tt.name, tt.in, err, tt.field)
		}
	}
}

// TestES6AgainstJCS formats random doubles of every magnitude both ways:
// appendES6 and jcs.NumberToJSON must agree.
func TestES6AgainstJCS(t *testing.T) {
	rng := rand.New(rand.NewPCG(8785, 1))
	for i := range 200000 {
		f := math.Float64frombits(rng.Uint64())
		if i%2 == 1 { // short decimal numbers, where the notation switches
			f = float64(rng.IntN(2000000)-1000000) * math.Pow10(rng.IntN(60)-30)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		want, err := jcs.NumberToJSON(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(appendES6(nil, f)); got != want {
			t.Fatalf("appendES6(%v) = %s, jcs gives %s", f, got, want)
		}
		text := strconv.FormatFloat(f, 'g', -1, 64)
		if got, err := Transform([]byte(text)); err != nil || string(got) != want {
			t.Fatalf("Transform(%s) = %s, %v; want %s", text, got, err, want)
		}
	}
}
