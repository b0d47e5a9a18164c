package canonical

import (
	"encoding/binary"
	"unicode/utf16"
	"unicode/utf8"
)

// str reads the string whose opening quote is at c.pos, writes its
// canonical form and returns its decoded bytes. A string without escapes
// is already canonical and is copied whole; its decoded bytes alias the
// input. Otherwise, when name is set, the decoded bytes are kept in
// c.names (which only grows during a run, so earlier names stay valid).
func (c *canon) str(name bool) ([]byte, error) {
	start := c.pos + 1
	i := plain(c.in, start)
	if i < len(c.in) && c.in[i] == '"' {
		c.out = append(c.out, c.in[c.pos:i+1]...)
		c.pos = i + 1
		return c.in[start:i], nil
	}
	return c.escaped(start, i, name)
}

// escaped finishes reading a string that contains an escape or a
// forbidden byte at c.in[i]; start is the index after the opening quote.
func (c *canon) escaped(start, i int, name bool) ([]byte, error) {
	c.out = append(c.out, '"')
	keep := len(c.names)
	for lo := start; ; lo = i {
		i = plain(c.in, i)
		c.out = append(c.out, c.in[lo:i]...)
		if name {
			c.names = append(c.names, c.in[lo:i]...)
		}
		if i == len(c.in) {
			return nil, c.fail(len(c.path), "unexpected end of JSON input in string")
		}
		switch b := c.in[i]; b {
		case '"':
			c.out = append(c.out, '"')
			c.pos = i + 1
			if !name {
				return nil, nil
			}
			return c.names[keep:len(c.names):len(c.names)], nil
		case '\\':
			r, n, err := c.unescape(i)
			if err != nil {
				return nil, err
			}
			c.out = appendRune(c.out, r)
			if name {
				c.names = utf8.AppendRune(c.names, r)
			}
			i += n
		default:
			return nil, c.fail(len(c.path), "invalid control character %q in string", rune(b))
		}
	}
}

// unescape decodes the escape sequence at c.in[i] and returns the code
// point and the length of the sequence. A \u escape of a UTF-16 surrogate
// must be a high surrogate followed by a \u escape of a low one.
func (c *canon) unescape(i int) (rune, int, error) {
	if i+1 == len(c.in) {
		return 0, 0, c.fail(len(c.path), "unexpected end of JSON input in string escape")
	}
	switch e := c.in[i+1]; e {
	case '"', '\\', '/':
		return rune(e), 2, nil
	case 'b':
		return '\b', 2, nil
	case 'f':
		return '\f', 2, nil
	case 'n':
		return '\n', 2, nil
	case 'r':
		return '\r', 2, nil
	case 't':
		return '\t', 2, nil
	case 'u':
		return c.unicode(i)
	default:
		return 0, 0, c.fail(len(c.path), "invalid escape %q in string", "\\"+string(rune(e)))
	}
}

// unicode decodes the \u escape at c.in[i], joining a surrogate pair.
func (c *canon) unicode(i int) (rune, int, error) {
	r, ok := hex4(c.in, i+2)
	if !ok {
		return 0, 0, c.fail(len(c.path), "invalid \\u escape in string")
	}
	if !utf16.IsSurrogate(r) {
		return r, 6, nil
	}
	if r < 0xDC00 && i+7 < len(c.in) && c.in[i+6] == '\\' && c.in[i+7] == 'u' {
		if lo, ok := hex4(c.in, i+8); ok && 0xDC00 <= lo && lo <= 0xDFFF {
			return utf16.DecodeRune(r, lo), 12, nil
		}
	}
	return 0, 0, c.fail(len(c.path), "\\u%04x is a lone UTF-16 surrogate", r)
}

// hex4 decodes the four hexadecimal digits at s[i:].
func hex4(s []byte, i int) (rune, bool) {
	if len(s)-i < 4 {
		return 0, false
	}
	var r rune
	for _, b := range s[i : i+4] {
		switch {
		case '0' <= b && b <= '9':
			b -= '0'
		case 'a' <= b && b <= 'f':
			b -= 'a' - 10
		case 'A' <= b && b <= 'F':
			b -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(b)
	}
	return r, true
}

// appendRune appends r as RFC 8785 §3.2.2.2 writes it inside a string:
// '"' and '\' escaped, U+0008, U+0009, U+000A, U+000C and U+000D as \b \t
// \n \f \r, the other controls below U+0020 as \u00xx (lower-case hex),
// everything else as literal UTF-8.
func appendRune(dst []byte, r rune) []byte {
	switch r {
	case '"', '\\':
		return append(dst, '\\', byte(r))
	case '\b':
		return append(dst, '\\', 'b')
	case '\t':
		return append(dst, '\\', 't')
	case '\n':
		return append(dst, '\\', 'n')
	case '\f':
		return append(dst, '\\', 'f')
	case '\r':
		return append(dst, '\\', 'r')
	}
	if r < 0x20 {
		const hex = "0123456789abcdef"
		return append(dst, '\\', 'u', '0', '0', hex[r>>4], hex[r&0xF])
	}
	return utf8.AppendRune(dst, r)
}

// plain returns the index of the first byte at or after i in s that
// cannot stand for itself in a string ('"', '\' or a control character
// below 0x20), or len(s). It tests eight bytes at a time.
func plain(s []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(s); i += 8 {
		w := binary.LittleEndian.Uint64(s[i:])
		q, bs := w^(ones*'"'), w^(ones*'\\')
		if ((w-ones*0x20)&^w|(q-ones)&^q|(bs-ones)&^bs)&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b == '"' || b == '\\' {
			return i
		}
	}
	return i
}
