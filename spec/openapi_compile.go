package spec

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Why the validator compiles its own schemas
//
// kin-openapi validates every body, parameter and header of an OpenAPI 3.1
// document by marshalling the schema and compiling it afresh with a JSON
// Schema 2020-12 compiler that cannot load other files — about a
// millisecond per value, and a silent fall back to OpenAPI 3.0 semantics
// when a "$ref" to another file does not resolve. The validator therefore
// leaves routing to kin-openapi and validates values itself, with schemas
// compiled once per process by santhosh-tekuri/jsonschema: each document is
// added to a compiler as one more resource next to the schema files, at
// [openAPIBaseURL]<api>.yaml, so that its "../schemas/x.json" references
// resolve to the files' $ids and its "#/components/..." references to
// itself, and each schema is compiled by its JSON Pointer in the document.

// openAPIBaseURL is where the documents live as compiler resources: the
// sibling of [SchemaBaseURL], so "../schemas/envelope.json" written in a
// document resolves to the envelope schema's $id.
var openAPIBaseURL = strings.TrimSuffix(SchemaBaseURL, "schemas/") + "openapi/"

// docCompiler compiles schemas located in one OpenAPI document.
type docCompiler struct {
	c   *jsonschema.Compiler
	url string // the document's resource URL
}

// newDocCompiler registers every schema file and doc itself, as written
// (references kept), with a fresh compiler.
func newDocCompiler(api API, doc *openapi3.T) (*docCompiler, error) {
	files, err := schemaResources()
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseRegexpEngine(memoRegexpEngine)
	for id, f := range files {
		if err := c.AddResource(id, f); err != nil {
			return nil, fmt.Errorf("add schema %s: %w", id, err)
		}
	}
	tree, err := documentTree(doc)
	if err != nil {
		return nil, err
	}
	dc := &docCompiler{c: c, url: openAPIBaseURL + string(api) + ".yaml"}
	if err := c.AddResource(dc.url, tree); err != nil {
		return nil, fmt.Errorf("add document %s: %w", dc.url, err)
	}
	return dc, nil
}

// documentTree is doc as a generic JSON value with its references as
// written, which is what the compiler resolves them from.
func documentTree(doc *openapi3.T) (any, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode document: %w", err)
	}
	tree, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		return nil, fmt.Errorf("decode document: %w", err)
	}
	return tree, nil
}

// compile compiles the schema at ptr, a JSON Pointer into the document
// such as "/components/parameters/Address/schema".
func (dc *docCompiler) compile(ptr string) (*jsonschema.Schema, error) {
	sch, err := dc.c.Compile(dc.url + "#" + ptr)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", ptr, err)
	}
	return sch, nil
}

// pointerTo is the location of an object of the document that may be a
// reference: where the reference points if ref is a local "#/..." one,
// else at, where the object is written. A reference into another file
// cannot be located inside the document.
func pointerTo(ref, at string) (string, error) {
	if ref == "" {
		return at, nil
	}
	local, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return "", fmt.Errorf("%s: reference %q leaves the document", at, ref)
	}
	return local, nil
}

// escapeToken escapes one JSON Pointer reference token (RFC 6901).
func escapeToken(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}
