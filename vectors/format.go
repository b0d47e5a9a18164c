package vectors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// SchemaName is the value of [File.Schema]: the JSON Schema every vector file
// validates against, found in [FS] at [SchemaPath].
const SchemaName = "vectors.schema.json"

// File is one vector file: a header saying what it tests and the test groups.
type File struct {
	// Algorithm names what the file tests, for people ("EMSG/1 key bundle").
	Algorithm string `json:"algorithm"`
	// Area is the file name without ".json"; it selects the shape of the
	// groups and tests in the JSON Schema.
	Area string `json:"area"`
	// Schema is always [SchemaName].
	Schema string `json:"schema"`
	// GeneratorVersion changes whenever the generator changes its output.
	GeneratorVersion string `json:"generatorVersion"`
	// NumberOfTests is the number of tests in all groups.
	NumberOfTests int `json:"numberOfTests"`
	// Header explains the file, one line per element.
	Header []string `json:"header"`
	// Notes maps every flag used in the file to its meaning.
	Notes map[string]string `json:"notes"`
	// TestGroups holds the tests, grouped by shared parameters.
	TestGroups []*Group `json:"testGroups"`
}

// Result is what an implementation must do with a test's input.
type Result string

// The results of a test.
const (
	// Valid: the operation succeeds and produces the expected output bytes.
	Valid Result = "valid"
	// Invalid: the operation fails, with the test's [Test.Defect].
	Invalid Result = "invalid"
	// Acceptable: implementations legitimately differ (the test's flags say
	// why); both succeeding and failing with the stated defect are conforming.
	Acceptable Result = "acceptable"
)

// Group is a set of tests sharing parameters: keys, addresses, the clock.
// Type names the kind of operation the tests exercise ("AddressParse",
// "EnvelopeOpen", ...) and fixes which parameters and test fields exist.
type Group struct {
	Type    string `json:"type"`
	Comment string `json:"comment,omitempty"`
	// Params holds every other member of the group, raw.
	Params map[string]json.RawMessage `json:"-"`
	Tests  []*Test                    `json:"tests"`
}

// Test is one test case. Its inputs and expected outputs depend on the
// group's Type and are kept raw in Fields; read them with [Test.String],
// [Test.Bytes], [Test.Int] or [Test.Decode].
type Test struct {
	TcID    int         `json:"tcId"`
	Comment string      `json:"comment"`
	Flags   []string    `json:"flags"`
	Result  Result      `json:"result"`
	Defect  wire.Defect `json:"defect,omitempty"`
	// Detail refines Defect where the protocol names sub-reasons (the
	// address [Reason] of a bad_address, for example).
	Detail string `json:"detail,omitempty"`
	// Fields holds every other member of the test, raw.
	Fields map[string]json.RawMessage `json:"-"`
}

// Parse decodes a vector file, rejecting unknown header members.
func Parse(data []byte) (*File, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("parse vector file: %w", err)
	}
	return &f, nil
}

// Tests returns every test of the file with its group, in file order.
func (f *File) Tests() []GroupTest {
	var all []GroupTest
	for _, g := range f.TestGroups {
		for _, t := range g.Tests {
			all = append(all, GroupTest{Group: g, Test: t})
		}
	}
	return all
}

// GroupTest is a test together with the group whose parameters it uses.
type GroupTest struct {
	Group *Group
	Test  *Test
}

// HasFlag reports whether the test carries flag.
func (t *Test) HasFlag(flag string) bool { return slices.Contains(t.Flags, flag) }
