package junit

import "strings"

// text wraps s for system-out or system-err; nil (no element) when empty.
func text(s string) *Text {
	if s == "" {
		return nil
	}
	return &Text{Text: clean(s)}
}

// clean replaces the characters XML 1.0 forbids (most control characters,
// invalid UTF-8) with U+FFFD: wire logs of robustness cases carry hostile
// bytes, and CDATA does not escape anything.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
