package envelope

import (
	"encoding/json"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// TypeText is the body type of a plain text message, the one body type
// every EMSG/1 client understands: {"type":"text","text":"hi"}.
const TypeText = "text"

// vendorPrefix starts every vendor body type: "vnd.<domain>.<name>", where
// the domain is one its owner controls (so names never collide) and name is
// 1–64 characters of [a-z0-9_-], the first and the last a letter or digit.
const vendorPrefix = "vnd."

// Body is the decoded "body" of an inner message. Clients read it with
// [ParseBody] (or [Inner.ParseBody]) and switch on Type: a "text" body has
// its Text; any other type is a vendor type this package does not know,
// which a client shows as unsupported (see [Body.Supported]) while the raw
// JSON stays available in [Inner.Body].
type Body struct {
	Type string // TypeText or a vendor type "vnd.<domain>.<name>"
	Text string // the text of a TypeText body; empty for vendor types
}

// Supported reports whether this package knows the body type; a client
// shows bodies that are not supported as "unsupported message type".
func (b Body) Supported() bool { return b.Type == TypeText }

// TextBody returns the body of a text message in its canonical (JCS) JSON
// form, ready for [Seal]. Invalid UTF-8 in text becomes U+FFFD. The text
// must not be empty: [Seal] rejects an empty text body as malformed.
func TextBody(text string) json.RawMessage {
	return appendTextBody(make([]byte, 0, len(text)+len(`{"text":"","type":"text"}`)+8), text)
}

func appendTextBody(dst []byte, text string) []byte {
	dst = append(dst, `{"text":`...)
	dst = appendJCSString(dst, text)
	return append(dst, `,"type":"text"}`...)
}

// ParseBody decodes a body strictly: a JSON object whose "type" is a
// string. A "text" body has exactly the members "type" and "text", a
// non-empty string (spec/schemas/body.json); a vendor
// body ("vnd.<domain>.<name>") may carry any members, which this package
// leaves to the vendor. Any other type is [wire.Malformed]: EMSG/1 defines
// no further types, and a later version will say so with its "v".
func ParseBody(raw json.RawMessage) (Body, error) {
	obj, err := splitObject(raw, "body")
	if err != nil {
		return Body{}, err
	}
	return parseBody(obj)
}

// parseBody reads the members of a body object.
func parseBody(obj object) (Body, error) {
	typeRaw, ok := obj["type"]
	if !ok {
		return Body{}, wire.Errorf(wire.Malformed, "/body/type", "missing member")
	}
	typ, err := parseString(typeRaw, "/body/type")
	if err != nil {
		return Body{}, err
	}
	switch {
	case typ == TypeText:
		return parseText(obj)
	case IsVendorType(typ):
		return Body{Type: typ}, nil
	}
	return Body{}, wire.Errorf(wire.Malformed, "/body/type", "unknown body type %q (want %q or %q)", typ, TypeText, "vnd.<domain>.<name>")
}

// parseText reads the members of a "text" body.
func parseText(obj object) (Body, error) {
	if err := obj.checkMembers("body", []string{"text", "type"}, nil); err != nil {
		return Body{}, err
	}
	text, err := parseString(obj["text"], "/body/text")
	if err != nil {
		return Body{}, err
	}
	if text == "" {
		return Body{}, wire.Errorf(wire.Malformed, "/body/text", "empty text")
	}
	return Body{Type: TypeText, Text: text}, nil
}

// IsVendorType reports whether t is a vendor body type "vnd.<domain>.<name>":
// the domain follows the address domain grammar and the name is 1–64
// characters of [a-z0-9_-], the first and the last a letter or digit
// (spec/schemas/defs.json "vendor_name").
func IsVendorType(t string) bool {
	rest, ok := strings.CutPrefix(t, vendorPrefix)
	if !ok {
		return false
	}
	dot := strings.LastIndexByte(rest, '.')
	if dot < 0 || !isVendorName(rest[dot+1:]) {
		return false
	}
	domain := rest[:dot]
	d, err := address.ParseDomain(domain)
	return err == nil && d == domain
}

func isVendorName(name string) bool {
	if len(name) == 0 || len(name) > 64 || !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isAlnum(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

// canonicalBody checks a body and returns it in JCS form: a text body is
// written directly, a vendor body goes through the generic canonicaliser.
func canonicalBody(raw json.RawMessage) (json.RawMessage, error) {
	b, err := ParseBody(raw)
	if err != nil {
		return nil, err
	}
	return canonicalBodyOf(raw, b)
}

// canonicalBodyOf is [canonicalBody] for a body already decoded as b.
func canonicalBodyOf(raw json.RawMessage, b Body) (json.RawMessage, error) {
	if b.Type == TypeText {
		return TextBody(b.Text), nil
	}
	c, err := canonical.Protocol(raw)
	if err != nil {
		return nil, at("/body", err)
	}
	return c, nil
}
