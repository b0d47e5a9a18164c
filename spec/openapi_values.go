package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// errMissing is the failure of a required parameter or header that is absent.
var errMissing = errors.New("required but missing")

// valueSource is where the parameters of one request are read from: the
// path parameters the router matched, the query (parsed on first use) and
// the headers.
type valueSource struct {
	path   map[string]string
	rawURL *url.URL
	query  url.Values
	header http.Header
}

// read returns the text of the value vc names and whether it is present.
// A repeated query parameter or header is read from its first occurrence.
func (src *valueSource) read(vc valueCheck) (string, bool) {
	switch vc.in {
	case "path":
		v, ok := src.path[vc.name]
		return v, ok
	case "query":
		if src.query == nil {
			src.query = src.rawURL.Query()
		}
		vs, ok := src.query[vc.name]
		if !ok || len(vs) == 0 {
			return "", false
		}
		return vs[0], true
	case "header":
		vs := src.header.Values(vc.name)
		if len(vs) == 0 {
			return "", false
		}
		return vs[0], true
	}
	return "", false // buildChecks only compiles the locations above
}

// checkValues checks every value of checks read from src.
func checkValues(checks []valueCheck, src *valueSource) error {
	for _, vc := range checks {
		text, ok := src.read(vc)
		if !ok {
			if vc.required {
				return fmt.Errorf("%s: %w", vc, errMissing)
			}
			continue
		}
		if err := vc.check(text); err != nil {
			return err
		}
	}
	return nil
}

// String names the value: `path parameter "address"`, `header "Retry-After"`.
func (vc valueCheck) String() string {
	if vc.in == "header" {
		return fmt.Sprintf("header %q", vc.name)
	}
	return fmt.Sprintf("%s parameter %q", vc.in, vc.name)
}

// check validates one value's text against vc's schema. The text of an
// integer value that is a JSON integer literal is checked as that number;
// any other text as a string, so "5s" for an integer fails with a type
// error.
func (vc valueCheck) check(text string) error {
	var inst any = text
	if vc.integer && isIntegerLiteral(text) {
		inst = json.Number(text)
	}
	if err := vc.schema.Validate(inst); err != nil {
		se := asSchemaError("", inst, err)
		return fmt.Errorf("%s: %s", vc, readableMessage(se.Message))
	}
	return nil
}

// isIntegerLiteral reports whether s is a JSON integer: an optional minus,
// then 0 or a digit string without leading zeros.
func isIntegerLiteral(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// readableMessage shortens the schema locations a message names inside the
// OpenAPI documents to "federation.yaml#/components/...", as the schema
// files' own locations are shortened to "defs.json#/$defs/...".
func readableMessage(msg string) string {
	return strings.ReplaceAll(msg, openAPIBaseURL, "")
}
