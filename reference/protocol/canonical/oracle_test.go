package canonical

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"unicode/utf8"

	"github.com/gowebpki/jcs"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// This file keeps the previous implementation as the oracle of the
// differential tests and the baseline of the benchmarks: a token-by-token
// strict check with encoding/json, then github.com/gowebpki/jcs.

// oldTransform is Transform as it was.
func oldTransform(raw []byte) ([]byte, error) { return oldCanonical(raw, false) }

// oldProtocol is Protocol as it was.
func oldProtocol(raw []byte) ([]byte, error) { return oldCanonical(raw, true) }

func oldCanonical(raw []byte, integersOnly bool) ([]byte, error) {
	if err := check(raw, integersOnly); err != nil {
		return nil, fmt.Errorf("canonicalise: %w", err)
	}
	out, err := jcs.Transform(raw)
	if err != nil {
		return nil, fmt.Errorf("canonicalise: %w", wire.Wrap(wire.BadEncoding, "", err))
	}
	return out, nil
}

// checker walks a JSON text token by token and rejects what Transform
// must not canonicalise: invalid syntax, trailing data, duplicate member
// names and, when integersOnly is set, numbers outside the protocol rule.
type checker struct {
	dec          *json.Decoder
	integersOnly bool
}

// check validates raw; see [checker].
func check(raw []byte, integersOnly bool) error {
	if !utf8.Valid(raw) {
		return wire.Errorf(wire.BadEncoding, "", "JSON text is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	c := checker{dec: dec, integersOnly: integersOnly}
	if err := c.value(""); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return wire.Errorf(wire.BadEncoding, "", "data after the JSON value")
	}
	return nil
}

// value checks the next value; at is its JSON pointer, for messages.
func (c *checker) value(at string) error {
	tok, err := c.dec.Token()
	if err != nil {
		return syntaxError(at, err)
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return c.object(at)
		}
		return c.array(at)
	case json.Number:
		if c.integersOnly {
			return checkInteger(at, string(t))
		}
	}
	return nil
}

// object checks the members of an object whose "{" was just read.
func (c *checker) object(at string) error {
	seen := map[string]bool{}
	for c.dec.More() {
		tok, err := c.dec.Token()
		if err != nil {
			return syntaxError(at, err)
		}
		name, ok := tok.(string) // the decoder yields only strings in name position
		if !ok {
			return wire.Errorf(wire.BadEncoding, at, "object member name is not a string")
		}
		if seen[name] {
			return wire.Errorf(wire.BadEncoding, at+"/"+name, "duplicate object member name %q", name)
		}
		seen[name] = true
		if err := c.value(at + "/" + name); err != nil {
			return err
		}
	}
	return c.end(at)
}

// array checks the elements of an array whose "[" was just read.
func (c *checker) array(at string) error {
	for i := 0; c.dec.More(); i++ {
		if err := c.value(at + "/" + strconv.Itoa(i)); err != nil {
			return err
		}
	}
	return c.end(at)
}

// end consumes the closing delimiter of an object or array.
func (c *checker) end(at string) error {
	if _, err := c.dec.Token(); err != nil {
		return syntaxError(at, err)
	}
	return nil
}

func syntaxError(at string, err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return wire.Wrap(wire.BadEncoding, at, err)
}

// integerPattern is a JSON integer in canonical form: no fraction, no
// exponent, no leading zero, no "-0".
var integerPattern = regexp.MustCompile(`^(0|-?[1-9][0-9]*)$`)

// checkInteger applies the protocol number rule to the text of one number.
func checkInteger(at, text string) error {
	if !integerPattern.MatchString(text) {
		return wire.Errorf(wire.BadEncoding, at, "number %.40q is not an integer in canonical form", text)
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil || n > wire.MaxSafeInteger || n < -wire.MaxSafeInteger {
		return wire.Errorf(wire.BadEncoding, at, "integer %.40q is outside ±(2^53-1)", text)
	}
	return nil
}
