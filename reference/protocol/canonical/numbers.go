package canonical

import (
	"math"
	"strconv"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// number reads the number at c.pos (RFC 8259 §6 grammar) and writes its
// canonical form: under the protocol rule the text itself, which must be
// an integer in canonical form within ±(2^53−1); otherwise the ECMAScript
// form of the nearest IEEE-754 double ([appendES6]).
func (c *canon) number() error {
	s, start := c.in, c.pos
	i := start
	if s[i] == '-' {
		i++
	}
	first := i
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = digits(s, i+1)
	default:
		return c.fail(len(c.path), "invalid number: a digit must follow the minus sign")
	}
	intDigits, integer := i-first, true
	if i < len(s) && s[i] == '.' {
		integer = false
		if i = digits(s, i+1); s[i-1] == '.' {
			return c.fail(len(c.path), "invalid number: a digit must follow the decimal point")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		integer = false
		if i++; i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if j := digits(s, i); j > i {
			i = j
		} else {
			return c.fail(len(c.path), "invalid number: a digit must follow the exponent")
		}
	}
	c.pos = i
	text := s[start:i]
	if c.protocol {
		return c.integer(text, integer)
	}
	if integer && intDigits <= 15 && string(text) != "-0" {
		c.out = append(c.out, text...) // below 10^15 < 2^53: exact, printed as is
		return nil
	}
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil {
		return c.fail(len(c.path), "number %.40q is beyond the range of a double", text)
	}
	c.out = appendES6(c.out, f)
	return nil
}

// digits returns the index of the first byte at or after i in s that is
// not a decimal digit.
func digits(s []byte, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// integer applies the protocol number rule to the text of a number that
// the grammar accepted; integer tells whether it has neither fraction nor
// exponent. The canonical form is then the text itself.
func (c *canon) integer(text []byte, integer bool) error {
	if !integer || string(text) == "-0" {
		return c.fail(len(c.path), "number %.40q is not an integer in canonical form", text)
	}
	magnitude := text
	if magnitude[0] == '-' {
		magnitude = magnitude[1:]
	}
	if len(magnitude) > 16 || parseDigits(magnitude) > wire.MaxSafeInteger {
		return c.fail(len(c.path), "integer %.40q is outside ±(2^53-1)", text)
	}
	c.out = append(c.out, text...)
	return nil
}

// parseDigits returns the value of at most 18 decimal digits.
func parseDigits(s []byte) int64 {
	var n int64
	for _, b := range s {
		n = n*10 + int64(b-'0')
	}
	return n
}

// appendES6 appends f as ECMAScript's Number.prototype.toString writes it
// (RFC 8785 §3.2.2.3): the shortest digits that round-trip, in plain
// decimal notation for 1e-6 ≤ |f| < 1e21 and in exponent notation
// ("1e+21", "5e-324") otherwise; minus zero is "0". f is finite.
func appendES6(dst []byte, f float64) []byte {
	if f == 0 {
		return append(dst, '0')
	}
	if abs := math.Abs(f); 1e-6 <= abs && abs < 1e21 {
		return strconv.AppendFloat(dst, f, 'f', -1, 64)
	}
	n := len(dst)
	dst = strconv.AppendFloat(dst, f, 'e', -1, 64)
	for i := len(dst) - 1; i > n; i-- {
		if dst[i] == 'e' {
			if dst[i+2] == '0' { // Go writes at least two exponent digits: "1e-07"
				dst = append(dst[:i+2], dst[i+3:]...)
			}
			break
		}
	}
	return dst
}
