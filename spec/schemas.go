package spec

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SchemaFS holds the JSON Schema (2020-12) files, one per EMSG/1 object, as
// schemas/<name>.json. The OpenAPI documents refer to them by relative file
// name, the document generator reads their titles and descriptions, and
// [ValidateJSON] compiles them.
//
//go:embed schemas/*.json
var SchemaFS embed.FS

// SchemaBaseURL is the base of every schema's "$id": the schema named
// "envelope" has the $id SchemaBaseURL + "envelope.json". Relative "$ref"s
// between schema files resolve against it, so the set needs no network.
const SchemaBaseURL = "https://emsg-project.github.io/spec/schemas/"

// ErrUnknownSchema is returned (wrapped) when a name matches no schema file.
var ErrUnknownSchema = errors.New("unknown schema")

// schemaFile is one embedded schema file, parsed but not yet compiled.
type schemaFile struct {
	name string // file name without ".json"
	doc  map[string]any
}

// schemaSet is the compiled form of every embedded schema, built once.
type schemaSet struct {
	files    map[string]schemaFile
	compiled map[string]*jsonschema.Schema
	names    []string

	fast map[string]*fschema // "name" and "name#def" → the fast validator's compiled form (fast_schema.go)

	defsMu   sync.Mutex                    // guards compiler and defs: a Compiler is not safe for concurrent use
	compiler *jsonschema.Compiler          // the one that compiled the set, for definitions compiled later
	defs     map[string]*jsonschema.Schema // "name#def" → the compiled $defs/def of name
}

// loadSchemas parses and compiles the embedded schemas on first use; it is
// safe for concurrent use and reports the same result to every caller.
var loadSchemas = sync.OnceValues(func() (*schemaSet, error) {
	return compileSchemas(SchemaFS)
})

// compileSchemas registers every schemas/*.json file of fsys under its $id
// and compiles each one.
func compileSchemas(fsys fs.FS) (*schemaSet, error) {
	files, err := readSchemaFiles(fsys)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseRegexpEngine(memoRegexpEngine) // addresses repeat: remember their matches, as the OpenAPI validator does
	set := &schemaSet{files: map[string]schemaFile{}, compiled: map[string]*jsonschema.Schema{}, compiler: c, defs: map[string]*jsonschema.Schema{}}
	for _, f := range files {
		if err := c.AddResource(SchemaBaseURL+f.name+".json", f.doc); err != nil {
			return nil, fmt.Errorf("add schema %s.json: %w", f.name, err)
		}
		set.files[f.name] = f
		set.names = append(set.names, f.name)
	}
	slices.Sort(set.names) // by name: "contact" before "contact-accept"
	for _, name := range set.names {
		sch, err := c.Compile(SchemaBaseURL + name + ".json")
		if err != nil {
			return nil, fmt.Errorf("compile schema %s.json: %w", name, err)
		}
		set.compiled[name] = sch
	}
	set.fast = compileFastSet(set.files)
	return set, nil
}

// readSchemaFiles parses every schemas/*.json file in name order and checks
// that each declares the $id its file name implies.
func readSchemaFiles(fsys fs.FS) ([]schemaFile, error) {
	paths, err := fs.Glob(fsys, "schemas/*.json")
	if err != nil {
		return nil, fmt.Errorf("list schemas: %w", err)
	}
	slices.Sort(paths)
	files := make([]schemaFile, 0, len(paths))
	for _, p := range paths {
		f, err := readSchemaFile(fsys, p)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// readSchemaFile parses one schema file.
func readSchemaFile(fsys fs.FS, p string) (schemaFile, error) {
	raw, err := fs.ReadFile(fsys, p)
	if err != nil {
		return schemaFile{}, fmt.Errorf("read %s: %w", p, err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return schemaFile{}, fmt.Errorf("parse %s: %w", p, err)
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return schemaFile{}, fmt.Errorf("parse %s: schema is not a JSON object", p)
	}
	base := path.Base(p)
	if id, _ := obj["$id"].(string); id != SchemaBaseURL+base {
		return schemaFile{}, fmt.Errorf("%s: $id is %q, want %q", p, id, SchemaBaseURL+base)
	}
	return schemaFile{name: strings.TrimSuffix(base, ".json"), doc: obj}, nil
}

// lookup returns the compiled set and the named schema file.
func lookup(name string) (*schemaSet, schemaFile, error) {
	set, err := loadSchemas()
	if err != nil {
		return nil, schemaFile{}, fmt.Errorf("load schemas: %w", err)
	}
	f, ok := set.files[name]
	if !ok {
		return nil, schemaFile{}, fmt.Errorf("schema %q: %w", name, ErrUnknownSchema)
	}
	return set, f, nil
}

// SchemaNames returns the name of every schema (its file name without
// ".json"), sorted; nil if the embedded schemas do not compile, which the
// package tests rule out.
func SchemaNames() []string {
	set, err := loadSchemas()
	if err != nil {
		return nil
	}
	return slices.Clone(set.names)
}

// SchemaTitle returns the "title" of the named schema, or "" if there is no
// such schema.
func SchemaTitle(name string) string { return schemaString(name, "title") }

// SchemaDescription returns the teaching "description" of the named schema,
// or "" if there is no such schema.
func SchemaDescription(name string) string { return schemaString(name, "description") }

// schemaString returns a top-level string member of the named schema.
func schemaString(name, member string) string {
	_, f, err := lookup(name)
	if err != nil {
		return ""
	}
	s, _ := f.doc[member].(string)
	return s
}

// SchemaExamples returns the named schema's "examples", each re-encoded as
// JSON; every one validates against the schema (the package tests check it).
func SchemaExamples(name string) ([]json.RawMessage, error) {
	_, f, err := lookup(name)
	if err != nil {
		return nil, err
	}
	list, _ := f.doc["examples"].([]any)
	out := make([]json.RawMessage, 0, len(list))
	for i, ex := range list {
		raw, err := json.Marshal(ex)
		if err != nil {
			return nil, fmt.Errorf("schema %s.json: encode example %d: %w", name, i, err)
		}
		out = append(out, raw)
	}
	return out, nil
}

// ValidateJSON checks raw, one JSON document, against the named schema (for
// example "envelope"). It returns nil when raw conforms and a [*SchemaError]
// naming the offending location otherwise — including for JSON that does not
// parse, for duplicate member names, and for numbers written with a fraction
// or exponent (EMSG/1 has no floats, and 1.0 is not an integer on its wire).
// An unknown name gives an error wrapping [ErrUnknownSchema].
//
// A document the fast validator (fast_schema.go) finds valid is valid
// without the generic engine; any other goes to the engine, which gives
// the verdict and the error.
func ValidateJSON(name string, raw []byte) error {
	set, _, err := lookup(name)
	if err != nil {
		return err
	}
	if fs := set.fast[name]; fs != nil {
		if valid, sure := fastVerdict(fs, raw); valid || crossCheck {
			return checkedAgainstGeneric(set.compiled[name], name, raw, valid, sure)
		}
	}
	return validateGeneric(set.compiled[name], name, raw)
}

// validateGeneric checks raw against sch, compiled from the named schema
// (or one of its definitions), with the generic engine.
func validateGeneric(sch *jsonschema.Schema, name string, raw []byte) error {
	inst, err := decodeBody(raw) // decodeInstance's values and errors, faster
	if err != nil {
		return asSchemaError(name, nil, err)
	}
	if err := sch.Validate(inst); err != nil {
		return asSchemaError(name, inst, err)
	}
	return nil
}

// Validate marshals v with encoding/json and checks the result against the
// named schema, exactly as [ValidateJSON] does.
func Validate(name string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("validate %s.json: encode value: %w", name, err)
	}
	return ValidateJSON(name, raw)
}
