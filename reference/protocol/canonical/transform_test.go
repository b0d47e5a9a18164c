package canonical

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

func TestTransformRFC8785(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// RFC 8785 §3.2.2: whitespace, number formatting and string escaping
		{"rfc 3.2.2",
			`{
			  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
			  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
			  "literals": [null, true, false]
			}`,
			`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`},
		// RFC 8785 §3.2.3: member names sorted by UTF-16 code units, so the
		// emoji (surrogates D83D DE00) sorts before U+FB33 although its code point is larger
		{"rfc 3.2.3",
			`{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",` +
				`"\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}`,
			"{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\"," +
				"\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}"},
		// nested objects are sorted too; array order is kept
		{"nested", `{"b":[3,1,{"z":1,"a":2}],"a":{"y":null,"x":true}}`, `{"a":{"x":true,"y":null},"b":[3,1,{"a":2,"z":1}]}`},
		// control characters without a short escape use lower-case \u00xx
		{"controls", `"\u0001\u001F\b\f\t"`, `"\u0001\u001f\b\f\t"`},
		// non-ASCII and "/" are written raw, "<" is not escaped
		{"raw chars", `"\u00e9\/<>&\u2028"`, "\"é/<>&\u2028\""},
		// a bare scalar at top level, surrounded by whitespace
		{"scalar", " \n42\t", `42`},
		// empty containers
		{"empty", `{"a":[],"b":{}}`, `{"a":[],"b":{}}`},
	}
	for _, tt := range tests {
		got, err := Transform([]byte(tt.in))
		if err != nil {
			t.Errorf("%s: Transform: %v", tt.name, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("%s: Transform\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

// TestNumbersRFC8785 runs the IEEE-754 table of RFC 8785 Appendix B.
func TestNumbersRFC8785(t *testing.T) {
	tests := []struct {
		bits uint64
		want string
	}{
		{0x0000000000000000, "0"},                         // zero
		{0x8000000000000000, "0"},                         // minus zero
		{0x0000000000000001, "5e-324"},                    // min pos number
		{0x8000000000000001, "-5e-324"},                   // min neg number
		{0x7fefffffffffffff, "1.7976931348623157e+308"},   // max pos number
		{0xffefffffffffffff, "-1.7976931348623157e+308"},  // max neg number
		{0x4340000000000000, "9007199254740992"},          // max pos int
		{0xc340000000000000, "-9007199254740992"},         // max neg int
		{0x4430000000000000, "295147905179352830000"},     // ~2^68
		{0x44b52d02c7e14af5, "9.999999999999997e+22"},     // below 1e23
		{0x44b52d02c7e14af6, "1e+23"},                     // 1e23
		{0x44b52d02c7e14af7, "1.0000000000000001e+23"},    // above 1e23
		{0x444b1ae4d6e2ef4e, "999999999999999700000"},     // below 1e21
		{0x444b1ae4d6e2ef4f, "999999999999999900000"},     // largest below 1e21
		{0x444b1ae4d6e2ef50, "1e+21"},                     // exponent form from 1e21
		{0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},      // exponent form below 1e-6
		{0x3eb0c6f7a0b5ed8d, "0.000001"},                  // 1e-6 is still decimal
		{0x41b3de4355555553, "333333333.3333332"},         // shortest round-trip digits
		{0x41b3de4355555554, "333333333.33333325"},        // shortest round-trip digits
		{0x41b3de4355555555, "333333333.3333333"},         // shortest round-trip digits
		{0x41b3de4355555556, "333333333.3333334"},         // shortest round-trip digits
		{0x41b3de4355555557, "333333333.33333343"},        // shortest round-trip digits
		{0xbecbf647612f3696, "-0.0000033333333333333333"}, // small negative
		{0x43143ff3c1cb0959, "1424953923781206.2"},        // round to even
	}
	for _, tt := range tests {
		in := strconv.FormatFloat(math.Float64frombits(tt.bits), 'g', -1, 64)
		got, err := Transform([]byte("[" + in + "]"))
		if err != nil {
			t.Errorf("%016x (%s): %v", tt.bits, in, err)
			continue
		}
		if want := "[" + tt.want + "]"; string(got) != want {
			t.Errorf("%016x (%s): got %s, want %s", tt.bits, in, got, want)
		}
	}
}

func TestTransformRejects(t *testing.T) {
	tests := []struct {
		name, in string
	}{
		// sad path: nothing at all
		{"empty", ``},
		// only whitespace
		{"whitespace", " \n"},
		// two top-level values
		{"two values", `{} {}`},
		// trailing garbage
		{"trailing", `{"a":1}x`},
		// a byte-order mark is not JSON whitespace
		{"bom", "\ufeff{}"},
		// trailing comma in an object
		{"object comma", `{"a":1,}`},
		// trailing comma in an array
		{"array comma", `[1,]`},
		// unquoted member name
		{"bare name", `{a:1}`},
		// single-quoted string
		{"single quotes", `{'a':1}`},
		// unterminated object
		{"unterminated", `{"a":1`},
		// raw control character in a string
		{"raw control", "\"a\x01\""},
		// unknown escape
		{"bad escape", `"\x41"`},
		// NaN is not JSON
		{"nan", `[NaN]`},
		// leading zero
		{"leading zero", `[01]`},
		// leading plus
		{"plus", `[+1]`},
		// bare fraction
		{"bare fraction", `[.5]`},
		// a number beyond the range of a double
		{"huge number", `[1e400]`},
		// duplicate member name at top level
		{"duplicate", `{"a":1,"a":1}`},
		// duplicate member name deep inside
		{"nested duplicate", `{"x":[{"y":{"b":1,"c":2,"b":3}}]}`},
		// duplicate once escapes are decoded: "\u0061" is "a"
		{"escaped duplicate", `{"a":1,"\u0061":2}`},
		// lone high surrogate
		{"lone high", `"\ud800"`},
		// lone low surrogate
		{"lone low", `"\udc00"`},
		// surrogates in the wrong order
		{"reversed pair", `"\ude00\ud83d"`},
		// high surrogate followed by a non-surrogate escape
		{"high then bmp", `"\ud83d\u0041"`},
		// lone surrogate in a member name
		{"lone in name", `{"\udfff":1}`},
		// invalid UTF-8 byte
		{"invalid utf8", "\"\xff\""},
		// overlong UTF-8 encoding of "/"
		{"overlong utf8", "\"\xc0\xaf\""},
		// a surrogate encoded directly in UTF-8 (CESU)
		{"utf8 surrogate", "\"\xed\xa0\x80\""},
		// invalid UTF-8 outside strings
		{"utf8 outside", "[1,\xff]"},
	}
	for _, tt := range tests {
		got, err := Transform([]byte(tt.in))
		if err == nil {
			t.Errorf("%s: Transform(%q) = %s, want a bad_encoding error", tt.name, tt.in, got)
			continue
		}
		if d := wire.DefectOf(err); d != wire.BadEncoding {
			t.Errorf("%s: Transform(%q): defect %q, want %q (%v)", tt.name, tt.in, d, wire.BadEncoding, err)
		}
	}
}

func TestProtocolNumbers(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		// happy path: zero
		{"0", true},
		// happy path: the largest safe integer
		{"9007199254740991", true},
		// happy path: the smallest safe integer
		{"-9007199254740991", true},
		// sad path: 2^53 is beyond the safe range (it would alias 2^53+1)
		{"9007199254740992", false},
		// sad path: -(2^53)
		{"-9007199254740992", false},
		// sad path: far beyond int64
		{"123456789012345678901234567890", false},
		// sad path: a fraction, even when it is integral
		{"1.0", false},
		// sad path: a fraction
		{"1.5", false},
		// sad path: an exponent
		{"1e3", false},
		// sad path: minus zero is not canonical
		{"-0", false},
	}
	for _, tt := range tests {
		got, err := Protocol([]byte(`{"n":` + tt.in + `}`))
		switch {
		case tt.ok && (err != nil || string(got) != `{"n":`+tt.in+`}`):
			t.Errorf("Protocol(%s) = %s, %v; want it unchanged", tt.in, got, err)
		case !tt.ok && wire.DefectOf(err) != wire.BadEncoding:
			t.Errorf("Protocol(%s) = %s, %v; want a bad_encoding error", tt.in, got, err)
		case !tt.ok && !strings.Contains(err.Error(), "/n"):
			t.Errorf("Protocol(%s): error %q does not name the member /n", tt.in, err)
		}
	}
}

func TestTransformIdempotent(t *testing.T) {
	in := `{"z":[1,2,{"b":"\u00e9","a":-0.5e-7}],"a":"\ud83d\ude00"}`
	once, err := Transform([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	twice, err := Transform(once)
	if err != nil || string(twice) != string(once) {
		t.Errorf("Transform(Transform(x)) = %s, %v; want %s", twice, err, once)
	}
}

func TestMarshal(t *testing.T) {
	v := struct {
		Z   string         `json:"z"`
		A   int64          `json:"a"`
		Raw map[string]any `json:"raw"`
	}{Z: "<&>", A: -3, Raw: map[string]any{"y": true, "x": nil}}
	got, err := Marshal(v)
	if want := `{"a":-3,"raw":{"x":null,"y":true},"z":"<&>"}`; err != nil || string(got) != want {
		t.Errorf("Marshal = %s, %v; want %s", got, err, want)
	}
	if got, err := Marshal(map[string]float64{"f": 0.5}); wire.DefectOf(err) != wire.BadEncoding {
		t.Errorf("Marshal of a float = %s, %v; want a bad_encoding error", got, err)
	}
	if got, err := Marshal(func() {}); err == nil {
		t.Errorf("Marshal of a func = %s, want an error", got)
	}
}
