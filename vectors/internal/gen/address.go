package main

import (
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// addressCase is one row of the address table: an input and either its
// normalised form (valid) or the rule it breaks (invalid).
type addressCase struct {
	comment    string
	input      string
	normalized string // valid cases only
	reason     string // invalid cases only: the address sub-reason
	flags      []string
}

var (
	local64   = strings.Repeat("a", 63) + "z"
	label63   = strings.Repeat("b", 62) + "c"
	domain253 = strings.Join([]string{label63, label63, label63, strings.Repeat("d", 56) + ".test"}, ".")
	domain254 = strings.Join([]string{label63, label63, label63, strings.Repeat("d", 57) + ".test"}, ".")
)

var addressValid = []addressCase{
	{comment: "the common shape", input: "alice#a.test"},
	{comment: "a sub-domain naming the server directly", input: "alice#im.example.com"},
	{comment: "one-character local part and labels", input: "a#b.c"},
	{comment: "digits, dots, underscores and hyphens inside the local part", input: "0a._-x.9#a.test"},
	{comment: "consecutive dots inside the local part are allowed", input: "a..b#a.test"},
	{comment: "local part of exactly 64 characters", input: local64 + "#a.test", flags: []string{"LengthLimit"}},
	{comment: "label of exactly 63 characters", input: "a#" + label63 + ".test", flags: []string{"LengthLimit"}},
	{comment: "domain of exactly 253 characters (longest address, 318)", input: local64 + "#" + domain253, flags: []string{"LengthLimit"}},
	{comment: "an IDN as its A-label", input: "bob#xn--mnchen-3ya.de", flags: []string{"IDN"}},
	{comment: "upper-case XN-- folds to the A-label prefix", input: "bob#XN--80AKHBYKNJ4F.xn--p1ai", normalized: "bob#xn--80akhbyknj4f.xn--p1ai", flags: []string{"IDN", "CaseFolded"}},
	{comment: "inner hyphens, and -- outside positions 3-4", input: "a#my-server.a--b.test"},
	{comment: "all-digit labels other than the last", input: "a#123.456.test"},
	{comment: "a last label mixing digits and letters is not an IP literal", input: "a#example.1a"},
	{comment: "three single-character labels", input: "a#b.c.d"},
	{comment: "upper case in the local part folds to lower case", input: "Alice#a.test", normalized: "alice#a.test", flags: []string{"CaseFolded"}},
	{comment: "upper case everywhere folds to lower case", input: "ALICE.B#IM.EXAMPLE.COM", normalized: "alice.b#im.example.com", flags: []string{"CaseFolded"}},
	{comment: "a digit-only local part", input: "42#a.test"},
	{comment: "a group address has the same form", input: "team-rocket#groups.a.test"},
	{comment: "a label starting with a digit", input: "a#1password.test"},
	{comment: "hyphens inside a label, not at positions 3-4", input: "a#x-yy-z.test"},
}

var addressInvalid = []addressCase{
	{comment: "the empty string", input: "", reason: "empty"},
	{comment: "e-mail style @ instead of #", input: "alice@a.test", reason: "no_separator"},
	{comment: "a bare domain", input: "a.test", reason: "no_separator"},
	{comment: "two separators", input: "a#b#c.test", reason: "many_separators"},
	{comment: "a trailing extra separator", input: "a#b.test#", reason: "many_separators"},
	{comment: "nothing before #", input: "#a.test", reason: "empty_local"},
	{comment: "local part of 65 characters", input: local64 + "x#a.test", reason: "local_too_long", flags: []string{"LengthLimit"}},
	{comment: "+ sub-addressing is not in the grammar", input: "a+b#a.test", reason: "local_bad_char"},
	{comment: "leading whitespace is rejected, not trimmed", input: " alice#a.test", reason: "local_bad_char"},
	{comment: "trailing newline", input: "alice\n#a.test", reason: "local_bad_char"},
	{comment: "percent-encoding is not decoded", input: "al%69ce#a.test", reason: "local_bad_char"},
	{comment: "a NUL byte", input: "a\x00b#a.test", reason: "local_bad_char"},
	{comment: "local part starts with a dot", input: ".alice#a.test", reason: "local_bad_edge"},
	{comment: "local part ends with a hyphen", input: "alice-#a.test", reason: "local_bad_edge"},
	{comment: "local part is only an underscore", input: "_#a.test", reason: "local_bad_edge"},
	{comment: "local part ends with a dot", input: "alice.#a.test", reason: "local_bad_edge"},
	{comment: "nothing after #", input: "alice#", reason: "empty_domain"},
	{comment: "domain of 254 characters", input: "a#" + domain254, reason: "domain_too_long", flags: []string{"LengthLimit"}},
	{comment: "a trailing dot (the DNS root) is not allowed", input: "a#a.test.", reason: "label_empty"},
	{comment: "a leading dot", input: "a#.a.test", reason: "label_empty"},
	{comment: "two dots in a row", input: "a#a..test", reason: "label_empty"},
	{comment: "a label of 64 characters", input: "a#" + label63 + "x.test", reason: "label_too_long", flags: []string{"LengthLimit"}},
	{comment: "an underscore in a label", input: "a#my_server.test", reason: "label_bad_char"},
	{comment: "a port is not part of the domain", input: "a#a.test:443", reason: "label_bad_char"},
	{comment: "a trailing space after the domain", input: "a#a.test ", reason: "label_bad_char"},
	{comment: "a label starting with a hyphen", input: "a#-a.test", reason: "label_hyphen_edge"},
	{comment: "a label ending with a hyphen", input: "a#a-.test", reason: "label_hyphen_edge"},
	{comment: "-- at positions 3-4 without xn--", input: "a#ab--c.test", reason: "label_reserved_hyphens", flags: []string{"IDN"}},
	{comment: "a single-label domain", input: "a#localhost", reason: "single_label"},
	{comment: "an IPv4 literal", input: "a#127.0.0.1", reason: "numeric_tld"},
	{comment: "an all-digit last label", input: "a#example.123", reason: "numeric_tld"},
	{comment: "a U-label: IDNs travel as A-labels", input: "bob#münchen.de", reason: "non_ascii", flags: []string{"IDN"}},
	{comment: "a non-ASCII local part", input: "jöhn#a.test", reason: "non_ascii"},
	{comment: "a fullwidth number sign is not #", input: "alice＃a.test", reason: "non_ascii"},
	{comment: "Kelvin sign K (U+212A) must not fold to k", input: "\u212aate#a.test", reason: "non_ascii", flags: []string{"CaseFolded"}},
	{comment: "an IPv6 literal", input: "a#[::1]", reason: "label_bad_char"},
}

func genAddress() (*vectors.File, error) {
	b := newFile(vectors.Address, "EMSG/1 address", []string{
		"Parsing of `local#domain` addresses (accounts and groups).",
		"A valid input parses, and prints as `normalized` (A-Z folded to a-z, the only normalisation).",
		"An invalid input is rejected with bad_address; `detail` is the first grammar rule it breaks,",
		"in the check order of the spec (empty, non_ascii, no_separator, many_separators, empty_local,",
		"local_too_long, local_bad_char, local_bad_edge, empty_domain, domain_too_long, label_empty,",
		"label_too_long, label_bad_char, label_hyphen_edge, label_reserved_hyphens, single_label, numeric_tld).",
	}, map[string]string{
		"LengthLimit": "The input sits exactly at, or one past, a length limit (64 local, 63 label, 253 domain).",
		"CaseFolded":  "The input has upper-case letters: only A-Z fold to lower case, nothing else is normalised.",
		"IDN":         "Internationalised domain names: only A-labels (xn--) are accepted.",
	})
	g := b.group("AddressParse", "parse an address and print its normalised form", fields{})
	for _, c := range addressValid {
		norm := c.normalized
		if norm == "" {
			norm = c.input
		}
		local, domain, _ := strings.Cut(norm, "#")
		g.valid(c.comment, fields{"input": c.input, "normalized": norm, "local": local, "domain": domain}, c.flags...)
	}
	for _, c := range addressInvalid {
		g.invalidDetail(wire.BadAddress, c.reason, c.comment, fields{"input": c.input}, c.flags...)
	}
	return b.done()
}
