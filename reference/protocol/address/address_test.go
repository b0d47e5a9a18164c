package address

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

var (
	local64   = strings.Repeat("a", 63) + "z"
	label63   = strings.Repeat("b", 62) + "c"
	domain253 = strings.Join([]string{label63, label63, label63, strings.Repeat("d", 56) + ".test"}, ".") // 64*3 + 61 = 253
)

func TestParseValid(t *testing.T) {
	if len(domain253) != 253 {
		t.Fatalf("test setup: domain253 is %d characters", len(domain253))
	}
	tests := []struct {
		in   string
		want Address
	}{
		// happy path: the common shape
		{"alice#a.test", Address{"alice", "a.test"}},
		// upper case A-Z folds to lower case in both parts
		{"Alice.B#IM.Example.COM", Address{"alice.b", "im.example.com"}},
		// a single-character local part
		{"a#b.c", Address{"a", "b.c"}},
		// digits may start and end the local part; inner dots, underscores, hyphens allowed
		{"0a._-x.9#a.test", Address{"0a._-x.9", "a.test"}},
		// consecutive dots in the local part are not forbidden by the grammar
		{"a..b#a.test", Address{"a..b", "a.test"}},
		// longest local part: 64 characters
		{local64 + "#a.test", Address{local64, "a.test"}},
		// longest label: 63 characters
		{"a#" + label63 + ".test", Address{"a", label63 + ".test"}},
		// longest domain: 253 characters, so the longest address is 318
		{local64 + "#" + domain253, Address{local64, domain253}},
		// an IDN travels as its A-label
		{"bob#xn--mnchen-3ya.de", Address{"bob", "xn--mnchen-3ya.de"}},
		// XN-- folds to the A-label prefix
		{"bob#XN--80AKHBYKNJ4F.xn--p1ai", Address{"bob", "xn--80akhbyknj4f.xn--p1ai"}},
		// inner hyphens in a label, including "--" outside positions 3-4
		{"a#my-server.a--b.test", Address{"a", "my-server.a--b.test"}},
		// digits-only labels are fine except the last one
		{"a#123.456.test", Address{"a", "123.456.test"}},
		// a last label that mixes digits and letters is not an IP literal
		{"a#example.1a", Address{"a", "example.1a"}},
		// single-character labels
		{"a#b.c.d", Address{"a", "b.c.d"}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): unexpected error %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
		if back, err := Parse(got.String()); err != nil || back != got {
			t.Errorf("Parse(%q.String()) = %#v, %v; want the same address", tt.in, back, err)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		in   string
		want Reason
	}{
		// sad path: nothing at all
		{"", Empty},
		// e-mail style "@" instead of "#"
		{"alice@a.test", NoSeparator},
		// a bare domain is not an address
		{"a.test", NoSeparator},
		// two separators
		{"a#b#c.test", ManySeparators},
		// a trailing extra separator
		{"a#b.test#", ManySeparators},
		// nothing before "#"
		{"#a.test", EmptyLocal},
		// 65-character local part
		{local64 + "x#a.test", LocalTooLong},
		// "+" sub-addressing is not part of the grammar
		{"a+b#a.test", LocalBadChar},
		// whitespace is rejected, never trimmed
		{" alice#a.test", LocalBadChar},
		// percent-encoding is not decoded
		{"al%69ce#a.test", LocalBadChar},
		// a NUL byte
		{"a\x00b#a.test", LocalBadChar},
		// local part starts with a dot
		{".alice#a.test", LocalBadEdge},
		// local part ends with a hyphen
		{"alice-#a.test", LocalBadEdge},
		// local part is only an underscore
		{"_#a.test", LocalBadEdge},
		// nothing after "#"
		{"alice#", EmptyDomain},
		// 254-character domain
		{"a#x" + domain253, DomainTooLong},
		// leading dot in the domain
		{"a#.a.test", LabelEmpty},
		// empty label in the middle
		{"a#a..test", LabelEmpty},
		// a trailing dot (FQDN form) is not accepted
		{"a#a.test.", LabelEmpty},
		// 64-character label
		{"a#" + label63 + "x.test", LabelTooLong},
		// underscore in a domain label
		{"a#my_server.test", LabelBadChar},
		// a port is not part of the domain
		{"a#a.test:443", LabelBadChar},
		// IPv6 literal
		{"a#[::1]", LabelBadChar},
		// whitespace at the end
		{"a#a.test ", LabelBadChar},
		// label starts with a hyphen
		{"a#-a.test", LabelHyphenEdge},
		// label ends with a hyphen
		{"a#a-.test", LabelHyphenEdge},
		// "xn--" alone ends with a hyphen
		{"a#xn--.test", LabelHyphenEdge},
		// "--" at positions 3-4 reserved for A-labels
		{"a#ab--cd.test", LabelReservedHyphens},
		// reserved-hyphen rule applies to the last label too
		{"a#a.zz--z", LabelReservedHyphens},
		// a single label
		{"alice#localhost", SingleLabel},
		// a single numeric label is a single label first
		{"alice#127", SingleLabel},
		// IPv4 literal
		{"alice#127.0.0.1", NumericTLD},
		// all-digit last label
		{"alice#example.123", NumericTLD},
		// non-ASCII local part (no Unicode normalisation)
		{"ålice#a.test", NonASCII},
		// a U-label must be given as its A-label
		{"bob#münchen.de", NonASCII},
		// Kelvin sign K (U+212A) does not fold to k
		{"\u212aelvin#a.test", NonASCII},
		// invalid UTF-8
		{"a\xff#a.test", NonASCII},
		// first failing check wins: no separator before the bad local character
		{"a b", NoSeparator},
		// first failing check wins: the local part before the domain
		{"-a#-a.test", LocalBadEdge},
		// first failing check wins: labels left to right
		{"a#a_b.-c.test", LabelBadChar},
		// first failing check wins: label by label, not rule by rule
		{"a#-a.b_c.test", LabelHyphenEdge},
		// first failing check wins: a bad label before the single-label rule
		{"a#-localhost", LabelHyphenEdge},
		// first failing check wins: non-ASCII before the separator count
		{"é", NonASCII},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %#v, want reason %s", tt.in, got, tt.want)
			continue
		}
		if d := wire.DefectOf(err); d != wire.BadAddress {
			t.Errorf("Parse(%q): defect %q, want %q (%v)", tt.in, d, wire.BadAddress, err)
		}
		if r := ReasonOf(err); r != tt.want {
			t.Errorf("Parse(%q): reason %q, want %q (%v)", tt.in, r, tt.want, err)
		}
		if !got.IsZero() {
			t.Errorf("Parse(%q) returned %#v with an error, want the zero Address", tt.in, got)
		}
	}
}

func TestReasonsCovered(t *testing.T) {
	// Every reason in the list is a distinct, non-empty word.
	seen := map[Reason]bool{}
	for _, r := range Reasons {
		if r == "" || seen[r] || strings.ContainsAny(string(r), " -") {
			t.Errorf("reason %q is empty, duplicated or not one snake_case word", r)
		}
		seen[r] = true
	}
	if len(Reasons) != 18 {
		t.Errorf("len(Reasons) = %d, want the 17 grammar reasons and not_canonical", len(Reasons))
	}
}

func TestParseDomain(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  Reason
	}{
		// happy path: folded to lower case
		{"IM.Example.com", "im.example.com", ""},
		// the longest domain
		{domain253, domain253, ""},
		// sad path: empty
		{"", "", EmptyDomain},
		// an address is not a domain
		{"a#a.test", "", LabelBadChar},
		// single label
		{"localhost", "", SingleLabel},
		// IP literal
		{"10.0.0.1", "", NumericTLD},
		// non-ASCII
		{"bücher.de", "", NonASCII},
	}
	for _, tt := range tests {
		got, err := ParseDomain(tt.in)
		if ReasonOf(err) != tt.err || got != tt.want {
			t.Errorf("ParseDomain(%q) = %q, %v; want %q, reason %q", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse of an invalid address did not panic")
		}
	}()
	MustParse("not an address")
}

func TestJSON(t *testing.T) {
	type msg struct {
		From Address         `json:"from"`
		Keys map[Address]int `json:"keys"`
		Opt  Address         `json:"opt,omitzero"`
	}
	in := msg{From: MustParse("alice#a.test"), Keys: map[Address]int{MustParse("bob#b.test"): 1}}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"from":"alice#a.test","keys":{"bob#b.test":1}}`; string(raw) != want {
		t.Errorf("Marshal = %s, want %s", raw, want)
	}
	var out msg
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	if out.From != in.From || out.Keys[MustParse("bob#b.test")] != 1 {
		t.Errorf("Unmarshal = %#v, want %#v", out, in)
	}
	// Objects carry canonical addresses; a map key is no exception.
	err = json.Unmarshal([]byte(`{"from":"alice#a.test","keys":{"BOB#b.test":2}}`), &out)
	if ReasonOf(err) != NotCanonical {
		t.Errorf("upper-case map key: got %v, want reason not_canonical", err)
	}
}

func TestJSONInvalid(t *testing.T) {
	tests := []struct {
		name string
		raw  string
	}{
		// a value that breaks the grammar
		{"value", `{"from":"alice@a.test","keys":{}}`},
		// a map key that breaks the grammar
		{"key", `{"from":"alice#a.test","keys":{"bob#localhost":1}}`},
	}
	for _, tt := range tests {
		var out struct {
			From Address         `json:"from"`
			Keys map[Address]int `json:"keys"`
		}
		err := json.Unmarshal([]byte(tt.raw), &out)
		if wire.DefectOf(err) != wire.BadAddress {
			t.Errorf("%s: Unmarshal error %v, want a bad_address *wire.Error", tt.name, err)
		}
	}
}

func TestMarshalRejectsInvalid(t *testing.T) {
	tests := []struct {
		name string
		a    Address
	}{
		// the zero Address has no wire form
		{"zero", Address{}},
		// upper case is not canonical: Parse would return another value
		{"upper", Address{"Alice", "a.test"}},
		// a struct literal that breaks the grammar
		{"bad domain", Address{"alice", "localhost"}},
	}
	for _, tt := range tests {
		if raw, err := tt.a.MarshalText(); err == nil {
			t.Errorf("%s: MarshalText(%#v) = %q, want an error", tt.name, tt.a, raw)
		}
	}
}

func TestErrorMessageBounded(t *testing.T) {
	_, err := Parse(strings.Repeat("#", 100000))
	if err == nil || len(err.Error()) > 300 {
		t.Errorf("error for a huge input is %d bytes, want a short message", len(err.Error()))
	}
}
