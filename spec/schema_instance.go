package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// decodeInstance parses raw into the generic form the validator checks
// (objects, arrays, strings, bools, nil and json.Number), enforcing three
// rules of the EMSG/1 wire that JSON Schema cannot state: the text is valid
// UTF-8, no object repeats a member name (RFC 8785 and I-JSON forbid it, and
// a signature over one reading must not verify over another), and every
// number is an integer literal without fraction or exponent.
// Failures are [*SchemaError]s whose Pointer locates the fault.
func decodeInstance(raw []byte) (any, error) {
	if !utf8.Valid(raw) {
		return nil, &SchemaError{Message: "the document is not valid UTF-8"}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := readValue(dec, nil)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &SchemaError{Message: "invalid JSON: data after the top-level value"}
	}
	return v, nil
}

// readValue reads the next JSON value; path locates it in the document.
func readValue(dec *json.Decoder, path []string) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(path, err)
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return readObject(dec, path)
		}
		if t == '[' {
			return readArray(dec, path)
		}
		return nil, &SchemaError{Pointer: jsonPointer(path), Message: fmt.Sprintf("invalid JSON: unexpected %q", rune(t))}
	case json.Number:
		return t, checkInteger(t, path)
	default:
		return t, nil
	}
}

// readObject reads the members of an object whose "{" was consumed.
func readObject(dec *json.Decoder, path []string) (any, error) {
	obj := map[string]any{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(path, err)
		}
		key, _ := tok.(string) // the decoder only yields strings as member names
		child := append(slices.Clip(path), key)
		if _, dup := obj[key]; dup {
			return nil, &SchemaError{Pointer: jsonPointer(child), Message: fmt.Sprintf("duplicate member name %q", key)}
		}
		v, err := readValue(dec, child)
		if err != nil {
			return nil, err
		}
		obj[key] = v
	}
	return obj, closeDelim(dec, path)
}

// readArray reads the elements of an array whose "[" was consumed.
func readArray(dec *json.Decoder, path []string) (any, error) {
	arr := []any{}
	for i := 0; dec.More(); i++ {
		v, err := readValue(dec, append(slices.Clip(path), fmt.Sprint(i)))
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
	}
	return arr, closeDelim(dec, path)
}

// closeDelim consumes the "}" or "]" that ends the current container.
func closeDelim(dec *json.Decoder, path []string) error {
	if _, err := dec.Token(); err != nil {
		return syntaxError(path, err)
	}
	return nil
}

// checkInteger rejects number literals with a fraction or an exponent.
func checkInteger(n json.Number, path []string) error {
	if strings.ContainsAny(string(n), ".eE") {
		return &SchemaError{Pointer: jsonPointer(path),
			Message: fmt.Sprintf("number %s has a fraction or exponent; EMSG/1 numbers are integers", n)}
	}
	return nil
}

// syntaxError reports malformed JSON at the value being read.
func syntaxError(path []string, err error) error {
	return &SchemaError{Pointer: jsonPointer(path), Message: "invalid JSON: " + err.Error()}
}
