package envelope

import (
	"encoding/base64"
	"strconv"
	"unicode/utf8"
)

// This file writes the RFC 8785 (JCS) form of the inner message directly,
// without a generic JSON round trip: the members are known, their names
// are already in JCS order (body, from, id, sig, to, ts, v), addresses,
// ULIDs and base64url never need escaping, and integers within ±(2^53-1)
// print as plain decimals. The tests check every byte against the generic
// canonicaliser of package canonical.

// appendInner appends JCS(inner) with the given canonical body; when sig is
// nil the "sig" member is left out, which gives the signing input.
func appendInner(dst []byte, in *Inner, body []byte, sig []byte) []byte {
	dst = append(dst, `{"body":`...)
	dst = append(dst, body...)
	dst = append(dst, `,"from":"`...)
	dst = appendAddress(dst, in.From.Local, in.From.Domain)
	dst = append(dst, `","id":"`...)
	dst = append(dst, in.ID...)
	if sig != nil {
		dst = append(dst, `","sig":"`...)
		dst = appendBase64(dst, sig)
	}
	dst = append(dst, `","to":"`...)
	dst = appendAddress(dst, in.To.Local, in.To.Domain)
	dst = append(dst, `","ts":`...)
	dst = strconv.AppendInt(dst, int64(in.TS), 10)
	dst = append(dst, `,"v":`...)
	dst = strconv.AppendInt(dst, int64(in.V), 10)
	return append(dst, '}')
}

// innerSize is an upper bound of len(appendInner(nil, in, body, sig)), used
// to allocate once.
func innerSize(in *Inner, body []byte) int {
	const fixed = len(`{"body":,"from":"#","id":"","sig":"","to":"#","ts":,"v":}`) + 2*20
	return fixed + len(body) + len(in.From.Local) + len(in.From.Domain) + len(in.ID) +
		b64.EncodedLen(SignatureSize) + len(in.To.Local) + len(in.To.Domain)
}

// b64 encodes binary values as wire.Bytes does (decoding stays with package
// wire, which is strict).
var b64 = base64.RawURLEncoding

func appendBase64(dst, b []byte) []byte { return b64.AppendEncode(dst, b) }

func appendAddress(dst []byte, local, domain string) []byte {
	dst = append(dst, local...)
	dst = append(dst, '#')
	return append(dst, domain...)
}

// appendJCSString appends s as a JCS string (RFC 8785 §3.2.2.2, the
// ECMAScript JSON.stringify rules): '"' and '\' escaped, the control
// characters U+0000–U+001F as \b \t \n \f \r or \u00xx (lower-case hex),
// everything else, including U+2028, U+2029 and U+007F, as raw UTF-8.
// Invalid UTF-8 becomes U+FFFD, byte by byte, as encoding/json decodes it.
func appendJCSString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			dst = appendEscape(dst, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\uFFFD"...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendEscape appends the JCS escape of an ASCII character that needs one.
func appendEscape(dst []byte, c byte) []byte {
	switch c {
	case '"':
		return append(dst, `\"`...)
	case '\\':
		return append(dst, `\\`...)
	case '\b':
		return append(dst, `\b`...)
	case '\t':
		return append(dst, `\t`...)
	case '\n':
		return append(dst, `\n`...)
	case '\f':
		return append(dst, `\f`...)
	case '\r':
		return append(dst, `\r`...)
	}
	const hex = "0123456789abcdef"
	return append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
}
