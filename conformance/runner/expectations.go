package runner

import (
	"fmt"
	"os"

	"github.com/goccy/go-yaml"
)

// Expectations is an implementation's file of known failures:
//
//	implementation: my-server
//	known_failures:
//	  - case: core/login-refuses-...   # a case id, or
//	    requirement: LOGIN-PROOF-03    # every case citing a requirement
//	    reason: challenges are not single-use yet (issue 12)
//
// A listed case that fails is an expected failure; one that passes is an
// unexpected pass, so the file gets tightened.
type Expectations struct {
	Implementation string         `yaml:"implementation"`
	Version        string         `yaml:"version"`
	KnownFailures  []KnownFailure `yaml:"known_failures"`
}

// KnownFailure is one entry of the file.
type KnownFailure struct {
	Case        string `yaml:"case"`
	Requirement string `yaml:"requirement"`
	Reason      string `yaml:"reason"`
}

// LoadExpectations reads an expectations file; "" is no file.
func LoadExpectations(path string) (Expectations, error) {
	var e Expectations
	if path == "" {
		return e, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return e, fmt.Errorf("expectations: %w", err)
	}
	e, err = ParseExpectations(raw)
	if err != nil {
		return e, fmt.Errorf("expectations %s: %w", path, err)
	}
	return e, nil
}

// ParseExpectations parses an expectations file strictly: known fields
// only, and every entry names a case or a requirement (one of them), and
// a reason.
func ParseExpectations(raw []byte) (Expectations, error) {
	var e Expectations
	if err := yaml.UnmarshalWithOptions(raw, &e, yaml.Strict()); err != nil {
		return Expectations{}, err
	}
	for i, k := range e.KnownFailures {
		if (k.Case == "") == (k.Requirement == "") || k.Reason == "" {
			return Expectations{}, fmt.Errorf("entry %d: want a case or a requirement, and a reason", i+1)
		}
	}
	return e, nil
}

// known returns the reason a case is listed as a known failure.
func (e Expectations) known(id string, reqs []string) (string, bool) {
	for _, k := range e.KnownFailures {
		if k.Case == id {
			return k.Reason, true
		}
		for _, r := range reqs {
			if k.Requirement == r {
				return k.Reason, true
			}
		}
	}
	return "", false
}
