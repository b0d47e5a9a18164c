package vectors_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"path"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/emsg-project/emsg/vectors"
)

// TestFilesMatchSchema validates every vector file against
// schema/vectors.schema.json (JSON Schema 2020-12).
func TestFilesMatchSchema(t *testing.T) {
	sch := compileSchema(t)
	for _, name := range vectors.Files() {
		t.Run(name, func(t *testing.T) {
			doc := readJSON(t, path.Join("data", name+".json"))
			if err := sch.Validate(doc); err != nil {
				t.Errorf("%s.json does not match %s:\n%v", name, vectors.SchemaPath, err)
			}
		})
	}
}

// TestSchemaRejectsBrokenFiles makes sure the schema is not vacuous: each
// row breaks a valid file in one way the schema must catch.
func TestSchemaRejectsBrokenFiles(t *testing.T) {
	sch := compileSchema(t)
	tests := []struct {
		comment string
		edit    func(f map[string]any, test map[string]any)
	}{
		// sad path: an invalid test without its defect
		{"invalid without defect", func(_, tc map[string]any) { tc["result"] = "invalid"; delete(tc, "defect") }},
		// a defect outside the closed list
		{"unknown defect", func(_, tc map[string]any) { tc["result"] = "invalid"; tc["defect"] = "oops" }},
		// a valid test that states a defect
		{"valid with defect", func(_, tc map[string]any) { tc["result"] = "valid"; tc["defect"] = "bad_key" }},
		// a test field the area does not define
		{"unknown test field", func(_, tc map[string]any) { tc["surprise"] = "x" }},
		// padded base64url
		{"padded base64url", func(_, tc map[string]any) { tc["sig"] = "AA==" }},
		// an unknown area
		{"unknown area", func(f, _ map[string]any) { f["area"] = "nope" }},
		// tcId must be positive
		{"tcId 0", func(_, tc map[string]any) { tc["tcId"] = 0 }},
	}
	for _, tt := range tests {
		doc := readJSON(t, "data/ed25519.json").(map[string]any)
		first := doc["testGroups"].([]any)[0].(map[string]any)["tests"].([]any)[0].(map[string]any)
		tt.edit(doc, first)
		if err := sch.Validate(doc); err == nil {
			t.Errorf("%s: the schema accepts it", tt.comment)
		}
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	if err := c.AddResource(vectors.SchemaName, readJSON(t, vectors.SchemaPath)); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(vectors.SchemaName)
	if err != nil {
		t.Fatalf("compile %s: %v", vectors.SchemaPath, err)
	}
	return sch
}

func readJSON(t *testing.T, name string) any {
	t.Helper()
	data, err := fs.ReadFile(vectors.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}
