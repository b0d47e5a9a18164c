package main

import (
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// jcsCase is a JSON text and its canonical form ("" when it must be
// rejected). Outputs are written out by hand from RFC 8785, not computed.
type jcsCase struct {
	comment string
	input   string
	output  string
	flags   []string
}

// jcsValid are canonicalised by both JcsTransform and JcsProtocol (no
// numbers other than canonical safe integers).
var jcsValid = []jcsCase{
	{"members sorted, whitespace removed", ` { "b" : 2 , "a" : 1 } `, `{"a":1,"b":2}`, nil},
	{"nested objects sorted at every depth, array order kept", `{"z":{"y":1,"x":[3,1,2]},"a":[{"d":0,"c":0}]}`, `{"a":[{"c":0,"d":0}],"z":{"x":[3,1,2],"y":1}}`, nil},
	{"RFC 8785 3.2.3: names sorted by UTF-16 code units", `{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}`,
		"{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\U0001F600\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}", []string{"Rfc8785", "Utf16Order"}},
	{"a supplementary character sorts before U+FB33 (UTF-16, not code points)", `{"\ufb33":1,"\ud83d\ude00":2}`, "{\"\U0001F600\":2,\"\ufb33\":1}", []string{"Utf16Order"}},
	{"literals", `[null , true,false]`, `[null,true,false]`, nil},
	{"string escapes: only \" \\ and control characters are escaped", `"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/"`, "\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"", []string{"Rfc8785"}},
	{"the short escapes \\b \\f \\n \\r \\t", `"\u0008\u000c\u000a\u000d\u0009"`, `"\b\f\n\r\t"`, nil},
	{"U+001F is escaped as \\u001f, U+007F and U+2028 are not", `"\u001f\u007f\u2028"`, "\"\\u001f\u007f\u2028\"", nil},
	{"non-ASCII is written as UTF-8, never escaped", `"\u00e9\u4e2d"`, "\"\u00e9\u4e2d\"", nil},
	{"an empty object and an empty array", ` { "a" : { } , "b" : [ ] } `, `{"a":{},"b":[]}`, nil},
	{"the largest safe integer", `[9007199254740991,-9007199254740991]`, `[9007199254740991,-9007199254740991]`, []string{"NumberEdge"}},
	{"zero", `0`, `0`, nil},
	{"a signed EMSG object with its sig member", `{"sig":"AAAA","address":"alice#a.test","created":1700000000000}`, `{"address":"alice#a.test","created":1700000000000,"sig":"AAAA"}`, nil},
}

// jcsNumbers are RFC 8785 number cases: canonicalised by JcsTransform,
// rejected by JcsProtocol (not canonical safe integers).
var jcsNumbers = []jcsCase{
	{"RFC 8785 3.2.2 numbers", `[333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001]`, `[333333333.3333333,1e+30,4.5,0.002,1e-27]`, []string{"Rfc8785"}},
	{"-0 is written 0", `-0`, `0`, []string{"NumberEdge"}},
	{"1E2 is written 100", `1E2`, `100`, nil},
	{"-1.0 is written -1", `-1.0`, `-1`, nil},
	{"1e21 switches to exponent form", `1e21`, `1e+21`, []string{"NumberEdge"}},
	{"1e20 stays in integer form", `1e20`, `100000000000000000000`, []string{"NumberEdge"}},
	{"1e-7 switches to exponent form", `0.0000001`, `1e-7`, []string{"NumberEdge"}},
	{"0.000001 stays in decimal form", `0.000001`, `0.000001`, []string{"NumberEdge"}},
	{"2^53 (not a safe integer)", `9007199254740992`, `9007199254740992`, []string{"NumberEdge"}},
	{"the smallest subnormal double", `5e-324`, `5e-324`, []string{"NumberEdge"}},
	{"the largest double", `1.7976931348623157e308`, `1.7976931348623157e+308`, []string{"NumberEdge"}},
	{"a fraction below one", `0.5`, `0.5`, nil},
}

// jcsRejected are rejected by both JcsTransform and JcsProtocol.
var jcsRejected = []jcsCase{
	{"duplicate member names", `{"a":1,"a":2}`, "", []string{"DuplicateName"}},
	{"duplicate member names after unescaping", `{"a":1,"\u0061":2}`, "", []string{"DuplicateName"}},
	{"duplicate member names in a nested object", `{"x":{"sig":"A","sig":"B"}}`, "", []string{"DuplicateName"}},
	{"a lone high surrogate", `"\ud800"`, "", []string{"LoneSurrogate"}},
	{"a lone low surrogate", `{"a":"\udc00x"}`, "", []string{"LoneSurrogate"}},
	{"two JSON values", `{} {}`, "", nil},
	{"a trailing comma", `{"a":1,}`, "", nil},
	{"single-quoted strings", `{'a':1}`, "", nil},
	{"a truncated array", `[1,2`, "", []string{"Truncated"}},
	{"empty input", ``, "", []string{"Truncated"}},
	{"NaN is not JSON", `[NaN]`, "", nil},
	{"a leading zero", `[01]`, "", nil},
	{"a number beyond the range of a double", `1e400`, "", []string{"NumberEdge"}},
	{"a raw control character in a string", "\"a\tb\"", "", nil},
}

func genCanonicalJSON() (*vectors.File, error) {
	b := newFile(vectors.CanonicalJSON, "RFC 8785 JSON Canonicalization Scheme (JCS)", []string{
		"Every EMSG/1 signature covers the JCS bytes of an object without its top-level sig member.",
		"input is a JSON text (as a JSON string in this file); output is its canonical form, byte for byte.",
		"JcsTransform is RFC 8785 over I-JSON: duplicate member names, lone surrogates, invalid JSON",
		"and numbers beyond a double are rejected with bad_encoding.",
		"JcsProtocol adds the EMSG/1 number rule: every number is an integer in canonical form",
		"(no fraction, exponent, leading zero or -0) within +-(2^53-1); anything else is bad_encoding.",
	}, map[string]string{
		"Rfc8785":         "An example from RFC 8785 itself.",
		"Utf16Order":      "Member names sort by UTF-16 code units, which differs from code point order above U+FFFF.",
		"NumberEdge":      "A number at a formatting or range edge.",
		"DuplicateName":   "An object has two members of the same name: a signature bypass if verifier and decoder disagree.",
		"LoneSurrogate":   "A \\u escape of an unpaired UTF-16 surrogate: not a Unicode string.",
		"Truncated":       "The JSON text ends early.",
		"FloatInProtocol": "A number that RFC 8785 canonicalises but EMSG/1 objects must not carry.",
	})
	tg := b.group("JcsTransform", "RFC 8785 canonicalisation", fields{})
	for _, c := range append(append([]jcsCase{}, jcsValid...), jcsNumbers...) {
		tg.valid(c.comment, fields{"input": c.input, "output": c.output}, c.flags...)
	}
	for _, c := range jcsRejected {
		tg.invalid(wire.BadEncoding, c.comment, fields{"input": c.input}, c.flags...)
	}
	pg := b.group("JcsProtocol", "RFC 8785 canonicalisation with the EMSG/1 integer rule", fields{})
	for _, c := range jcsValid {
		pg.valid(c.comment, fields{"input": c.input, "output": c.output}, c.flags...)
	}
	for _, c := range jcsNumbers {
		pg.invalid(wire.BadEncoding, c.comment+", not an EMSG/1 integer", fields{"input": c.input}, append([]string{"FloatInProtocol"}, c.flags...)...)
	}
	for _, c := range jcsRejected[:5] {
		pg.invalid(wire.BadEncoding, c.comment, fields{"input": c.input}, c.flags...)
	}
	return b.done()
}
