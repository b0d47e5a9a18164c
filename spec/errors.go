package spec

import (
	_ "embed"
	"fmt"
	"slices"
	"sync"

	"github.com/goccy/go-yaml"
)

// ErrorsYAML is spec/errors.yaml, the source of truth for the closed list of
// EMSG/1 error codes, their HTTP statuses, and how each defect of the
// protocol library (reference/protocol/wire) is reported on the wire.
//
//go:embed errors.yaml
var ErrorsYAML []byte

// ErrorCode is one entry of the closed list of error codes: what goes in the
// "error" member of an error response, the one HTTP status that always
// accompanies it, and what it means. Servers answer with it; conformance
// tests check that a status and a code agree through [StatusOf].
type ErrorCode struct {
	Code    string `yaml:"code"`
	Status  int    `yaml:"status"`
	Meaning string `yaml:"meaning"`
}

// errorCatalogue is the parsed errors.yaml. A defect mapped to null (a
// failure only a client detects) has a nil code.
type errorCatalogue struct {
	Codes   []ErrorCode        `yaml:"codes"`
	Defects map[string]*string `yaml:"defects"`
}

// loadErrors parses [ErrorsYAML] once. The file is embedded at build time and
// the package tests parse it, so a failure here is a broken build, reported
// by a panic naming the file.
var loadErrors = sync.OnceValue(func() errorCatalogue {
	cat, err := parseErrors(ErrorsYAML)
	if err != nil {
		panic(fmt.Sprintf("spec: embedded errors.yaml: %v", err))
	}
	return cat
})

// parseErrors decodes an errors.yaml document strictly (unknown or repeated
// keys are errors) and checks that codes are unique with a 4xx/5xx status.
func parseErrors(data []byte) (errorCatalogue, error) {
	var cat errorCatalogue
	if err := yaml.UnmarshalWithOptions(data, &cat, yaml.Strict()); err != nil {
		return errorCatalogue{}, fmt.Errorf("parse errors.yaml: %w", err)
	}
	seen := map[string]bool{}
	for _, c := range cat.Codes {
		if c.Code == "" || seen[c.Code] {
			return errorCatalogue{}, fmt.Errorf("errors.yaml: code %q is empty or repeated", c.Code)
		}
		if c.Status < 400 || c.Status > 599 {
			return errorCatalogue{}, fmt.Errorf("errors.yaml: code %q has status %d, want 4xx or 5xx", c.Code, c.Status)
		}
		seen[c.Code] = true
	}
	for defect, code := range cat.Defects {
		if code != nil && !seen[*code] {
			return errorCatalogue{}, fmt.Errorf("errors.yaml: defect %q maps to unknown code %q", defect, *code)
		}
	}
	return cat, nil
}

// ErrorCodes returns every error code in the order of errors.yaml.
func ErrorCodes() []ErrorCode { return slices.Clone(loadErrors().Codes) }

// StatusOf returns the HTTP status that always accompanies code, and false
// if code is not an EMSG/1 error code.
func StatusOf(code string) (int, bool) {
	for _, c := range loadErrors().Codes {
		if c.Code == code {
			return c.Status, true
		}
	}
	return 0, false
}

// CodeForDefect returns the error code a server answers with when the
// protocol library reports defect (a wire.Defect such as "bad_chain"). ok is
// false both for an unknown defect and for one only a client detects
// (decrypt_failed, not_a_recipient, routing_mismatch), which has no wire
// code: the client reports it to its user. [DefectNames] tells them apart.
func CodeForDefect(defect string) (code string, ok bool) {
	c := loadErrors().Defects[defect]
	if c == nil {
		return "", false
	}
	return *c, true
}

// DefectNames returns, sorted, every defect errors.yaml maps, including the
// client-only ones that map to no code.
func DefectNames() []string {
	names := make([]string, 0, len(loadErrors().Defects))
	for d := range loadErrors().Defects {
		names = append(names, d)
	}
	slices.Sort(names)
	return names
}
