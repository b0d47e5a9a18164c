package main

import (
	"encoding/base64"
	"strings"
)

// padded returns an unpadded base64url value with "=" padding added.
func padded(s string) string {
	if len(s)%4 == 0 {
		panic("padded: value needs no padding, pick another")
	}
	return s + strings.Repeat("=", 4-len(s)%4)
}

// stdAlphabet encodes b in the standard alphabet without padding; the
// generator picks values that contain "+" or "/" so the difference shows.
func stdAlphabet(b []byte) string {
	s := base64.RawStdEncoding.EncodeToString(b)
	if !strings.ContainsAny(s, "+/") {
		panic("stdAlphabet: value has no + or /, pick another")
	}
	return s
}

// nonCanonicalTail changes the unused low bits of the last character of an
// unpadded base64url value whose length is not a multiple of 4, giving a
// second encoding of the same bytes that strict decoders reject.
func nonCanonicalTail(s string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	if len(s)%4 == 0 {
		panic("nonCanonicalTail: no unused bits")
	}
	last := strings.IndexByte(alphabet, s[len(s)-1])
	return s[:len(s)-1] + string(alphabet[last^1])
}

// respace writes a JCS object text with a space after every ":" and ",",
// a different but equivalent JSON text.
func respace(canonical []byte) string {
	var sb strings.Builder
	inString, escaped := false, false
	for _, c := range string(canonical) {
		sb.WriteRune(c)
		switch {
		case escaped:
			escaped = false
		case c == '\\' && inString:
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ':' || c == ','):
			sb.WriteByte(' ')
		}
	}
	return sb.String()
}
