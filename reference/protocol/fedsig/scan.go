package fedsig

import (
	"slices"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// scanner walks the parameter list of an Authorization header:
//
//	params = param *( OWS "," OWS param )
//	param  = token BWS "=" BWS quoted-string
//
// where OWS and BWS are spaces and tabs, and a quoted-string here may not use
// backslash escapes (no EMSG value needs one).
type scanner struct {
	s string
	i int
}

// scanParams returns the parameters by lower-cased name, rejecting unknown
// names, duplicates, empty list elements and trailing garbage.
func scanParams(s string) (map[string]string, error) {
	sc := &scanner{s: s}
	values := make(map[string]string, len(paramNames))
	for {
		name, value, err := sc.param()
		if err != nil {
			return nil, err
		}
		if err := addParam(values, name, value); err != nil {
			return nil, err
		}
		sc.skipWhite()
		if sc.done() {
			return values, nil
		}
		if !sc.eat(',') {
			return nil, wire.Errorf(wire.Malformed, name, "expected \",\" after the value, got %q", sc.s[sc.i])
		}
		sc.skipWhite()
	}
}

func addParam(values map[string]string, name, value string) error {
	if !slices.Contains(paramNames, name) {
		return wire.Errorf(wire.Malformed, "", "unknown parameter %.40q", name)
	}
	if _, dup := values[name]; dup {
		return wire.Errorf(wire.Malformed, name, "duplicate parameter")
	}
	values[name] = value
	return nil
}

// param reads one name="value" pair.
func (sc *scanner) param() (name, value string, err error) {
	name = strings.ToLower(sc.token())
	if name == "" {
		return "", "", wire.Errorf(wire.Malformed, "", "expected a parameter name at offset %d", sc.i)
	}
	sc.skipWhite()
	if !sc.eat('=') {
		return "", "", wire.Errorf(wire.Malformed, name, "expected \"=\" after the parameter name")
	}
	sc.skipWhite()
	value, err = sc.quoted(name)
	return name, value, err
}

// quoted reads a quoted-string without escapes.
func (sc *scanner) quoted(name string) (string, error) {
	if !sc.eat('"') {
		return "", wire.Errorf(wire.Malformed, name, "value must be a quoted string")
	}
	start := sc.i
	for !sc.done() {
		c := sc.s[sc.i]
		switch {
		case c == '"':
			sc.i++
			return sc.s[start : sc.i-1], nil
		case c == '\\':
			return "", wire.Errorf(wire.Malformed, name, "backslash escapes are not allowed")
		case c < 0x20 || c > 0x7e:
			return "", wire.Errorf(wire.Malformed, name, "byte %#02x is not allowed in a value", c)
		}
		sc.i++
	}
	return "", wire.Errorf(wire.Malformed, name, "unterminated quoted string")
}

// token reads an RFC 9110 token (possibly empty).
func (sc *scanner) token() string {
	start := sc.i
	for !sc.done() && isTchar(sc.s[sc.i]) {
		sc.i++
	}
	return sc.s[start:sc.i]
}

func (sc *scanner) skipWhite() {
	for !sc.done() && (sc.s[sc.i] == ' ' || sc.s[sc.i] == '\t') {
		sc.i++
	}
}

func (sc *scanner) eat(c byte) bool {
	if !sc.done() && sc.s[sc.i] == c {
		sc.i++
		return true
	}
	return false
}

func (sc *scanner) done() bool { return sc.i >= len(sc.s) }

// isTchar reports whether c may appear in an RFC 9110 token.
func isTchar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
