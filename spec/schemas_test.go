package spec

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// wantSchemas is the set of schema files other parts of the project rely on
// by name (the OpenAPI documents and the document generator).
var wantSchemas = []string{
	"accepted", "account-data", "admin-account-list", "admin-invite", "admin-policy", "admin-stats", "body",
	"contact", "contact-accept", "contact-list", "contact-request", "contact-request-create", "contact-request-list",
	"defs", "delete-notice", "discovery", "envelope", "error", "export-bundle", "favorite-list", "fed-item",
	"fed-results", "fed-transaction", "group", "group-create", "group-event", "group-list", "group-member-ref",
	"group-patch", "health", "inner-message", "key-bundle", "key-chain", "login-challenge",
	"login-challenge-request", "login-proof", "login-request", "move-notice", "receipt", "receipt-request",
	"register-request", "register-response", "role-change", "session-auth", "session-ticket", "settings",
	"settings-patch", "signal", "signal-request", "stream-client-frame", "stream-event", "stream-server-frame",
	"token",
}

func TestSchemaNames(t *testing.T) {
	got := SchemaNames()
	if strings.Join(got, " ") != strings.Join(wantSchemas, " ") {
		t.Errorf("SchemaNames() = %v\nwant %v", got, wantSchemas)
	}
}

func TestSchemasCompile(t *testing.T) {
	if _, err := loadSchemas(); err != nil {
		t.Fatalf("embedded schemas: %v", err)
	}
}

// TestSchemaMetadata checks that every file says what it is: the draft, its
// $id, a title, a teaching description and at least one example (defs.json
// carries its examples on each definition instead).
func TestSchemaMetadata(t *testing.T) {
	for _, name := range SchemaNames() {
		doc := schemaDoc(t, name)
		if doc["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s.json: $schema = %v", name, doc["$schema"])
		}
		if len(SchemaTitle(name)) < 4 || len(SchemaDescription(name)) < 40 {
			t.Errorf("%s.json: title %q / description %q too short", name, SchemaTitle(name), SchemaDescription(name))
		}
		ex, err := SchemaExamples(name)
		if err != nil {
			t.Fatal(err)
		}
		if name != "defs" && len(ex) == 0 {
			t.Errorf("%s.json: no examples", name)
		}
	}
}

// TestSchemaExamplesValidate runs every example through its own schema.
func TestSchemaExamplesValidate(t *testing.T) {
	for _, name := range SchemaNames() {
		ex, err := SchemaExamples(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, raw := range ex {
			if err := ValidateJSON(name, raw); err != nil {
				t.Errorf("%s.json example %d: %v", name, i, err)
			}
		}
	}
}

// TestDefsExamplesValidate compiles each definition of defs.json on its own
// and validates the examples it carries.
func TestDefsExamplesValidate(t *testing.T) {
	c := testCompiler(t)
	defs := schemaDoc(t, "defs")["$defs"].(map[string]any)
	for name, d := range defs {
		sch, err := c.Compile(SchemaBaseURL + "defs.json#/$defs/" + name)
		if err != nil {
			t.Fatalf("compile $defs/%s: %v", name, err)
		}
		examples, _ := d.(map[string]any)["examples"].([]any)
		if len(examples) == 0 {
			t.Errorf("$defs/%s: no examples", name)
		}
		for i, ex := range examples {
			if err := sch.Validate(ex); err != nil {
				t.Errorf("$defs/%s example %d: %v", name, i, err)
			}
		}
	}
}

// TestSchemasClosed walks every schema: each object schema that lists
// properties must forbid others, except the deliberate extension point
// (vendor message bodies), the loose items of a federation transaction
// (validated one by one against fed-item.json) and union roots, whose
// branches are closed.
func TestSchemasClosed(t *testing.T) {
	open := map[string]bool{
		"body#": true, // vendor bodies carry vendor-defined members
		"fed-transaction#/properties/items/items": true, // each item is checked against fed-item.json
	}
	for _, name := range SchemaNames() {
		walkSchema(schemaDoc(t, name), name+"#", func(loc string, node map[string]any) {
			_, typed := node["type"]
			_, props := node["properties"]
			if !typed || !props || open[loc] || isUnionRoot(node) {
				return
			}
			if node["additionalProperties"] != false && node["unevaluatedProperties"] != false {
				t.Errorf("%s: object schema is not closed", loc)
			}
		})
	}
}

// TestUnionBranches checks every discriminated union: each value of the
// discriminator enum selects a $defs branch of that name whose own
// discriminator is the same constant.
func TestUnionBranches(t *testing.T) {
	unions := map[string]string{"fed-item": "kind", "stream-event": "kind", "signal": "kind",
		"signal-request": "kind", "stream-server-frame": "type", "stream-client-frame": "type"}
	for name, disc := range unions {
		doc := schemaDoc(t, name)
		if !isUnionRoot(doc) {
			t.Fatalf("%s.json is not a discriminated union", name)
		}
		defs := doc["$defs"].(map[string]any)
		for _, v := range unionValues(t, name, disc) {
			branch, ok := defs[v].(map[string]any)
			if !ok {
				t.Errorf("%s.json: %s %q has no $defs branch", name, disc, v)
				continue
			}
			got := branch["properties"].(map[string]any)[disc].(map[string]any)["const"]
			if got != v {
				t.Errorf("%s.json: branch %q has %s const %v", name, v, disc, got)
			}
		}
		if len(defs) != len(unionValues(t, name, disc)) {
			t.Errorf("%s.json: %d branches for %d %s values", name, len(defs), len(unionValues(t, name, disc)), disc)
		}
	}
}

func TestValidateUnknownSchema(t *testing.T) {
	if err := ValidateJSON("envelopes", []byte(`{}`)); !errors.Is(err, ErrUnknownSchema) {
		t.Errorf("ValidateJSON(envelopes) = %v, want ErrUnknownSchema", err)
	}
	if _, err := SchemaExamples("nope"); !errors.Is(err, ErrUnknownSchema) {
		t.Errorf("SchemaExamples(nope) = %v, want ErrUnknownSchema", err)
	}
	if SchemaTitle("nope") != "" || SchemaDescription("nope") != "" {
		t.Error("title or description of an unknown schema is not empty")
	}
}

// TestValidateGoValue checks the marshal-then-validate path with Go values.
func TestValidateGoValue(t *testing.T) {
	type token struct {
		Token   string `json:"token"`
		Expires int64  `json:"expires"`
	}
	// happy path: a struct encoding to a valid token answer
	if err := Validate("token", token{Token: "abc", Expires: 1700000000000}); err != nil {
		t.Errorf("valid token: %v", err)
	}
	// sad path: an empty token string
	var se *SchemaError
	if err := Validate("token", token{Expires: 1}); !errors.As(err, &se) || se.Pointer != "/token" {
		t.Errorf("empty token: got %v, want a SchemaError at /token", err)
	}
	// sad path: a value encoding/json cannot encode
	if err := Validate("token", map[string]any{"token": func() {}}); err == nil {
		t.Error("unencodable value: got nil error")
	}
}

// TestValidateConcurrent validates from many goroutines at once (run with
// -race): compilation happens once and validation shares the compiled set.
func TestValidateConcurrent(t *testing.T) {
	ex, _ := SchemaExamples("envelope")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := ValidateJSON("envelope", ex[0]); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// TestCompileSchemasRejects feeds compileSchemas broken schema sets.
func TestCompileSchemasRejects(t *testing.T) {
	cases := []struct {
		name string
		file string
		want string
	}{
		// $id must match the file name, or relative $refs would resolve elsewhere
		{"wrong id", `{"$id":"https://emsg-project.github.io/spec/schemas/y.json"}`, "$id"},
		// a schema file must be a JSON object
		{"not an object", `[1]`, "not a JSON object"},
		// a broken file is a parse error naming the file
		{"bad json", `{"$id":`, "parse schemas/x.json"},
		// a $ref to a missing file fails compilation
		{"dangling ref", `{"$id":"https://emsg-project.github.io/spec/schemas/x.json","$ref":"nope.json"}`, "compile schema x.json"},
	}
	for _, c := range cases {
		fsys := fstest.MapFS{"schemas/x.json": {Data: []byte(c.file)}}
		if _, err := compileSchemas(fsys); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

// schemaDoc returns the parsed top-level document of the named schema.
func schemaDoc(t *testing.T, name string) map[string]any {
	t.Helper()
	raw, err := SchemaFS.ReadFile("schemas/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s.json: %v", name, err)
	}
	return doc
}

// testCompiler returns a compiler holding every embedded schema file.
func testCompiler(t *testing.T) *jsonschema.Compiler {
	t.Helper()
	files, err := readSchemaFiles(SchemaFS)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	for _, f := range files {
		if err := c.AddResource(SchemaBaseURL+f.name+".json", f.doc); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// walkSchema calls visit for every subschema object of node, with its
// location as "<file>#<json pointer>".
func walkSchema(node any, loc string, visit func(loc string, node map[string]any)) {
	switch n := node.(type) {
	case map[string]any:
		visit(loc, n)
		for k, v := range n {
			if k == "examples" || k == "const" || k == "enum" {
				continue // instance data, not subschemas
			}
			walkSchema(v, loc+"/"+k, visit)
		}
	case []any:
		for i, v := range n {
			walkSchema(v, loc+"/"+itoa(i), visit)
		}
	}
}

// isUnionRoot reports whether node is a discriminated union: its allOf is
// made only of if/then pairs whose then is a $ref to a branch.
func isUnionRoot(node map[string]any) bool {
	all, _ := node["allOf"].([]any)
	if len(all) == 0 || node["$defs"] == nil {
		return false
	}
	for _, a := range all {
		then, _ := a.(map[string]any)["then"].(map[string]any)
		if ref, _ := then["$ref"].(string); !strings.HasPrefix(ref, "#/$defs/") {
			return false
		}
	}
	return true
}

// unionValues returns the discriminator enum of a union schema.
func unionValues(t *testing.T, name, disc string) []string {
	t.Helper()
	enum := schemaDoc(t, name)["properties"].(map[string]any)[disc].(map[string]any)["enum"].([]any)
	out := make([]string, len(enum))
	for i, v := range enum {
		out[i] = v.(string)
	}
	return out
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }
