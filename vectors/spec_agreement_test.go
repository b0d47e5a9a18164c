package vectors_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/spec"
	"github.com/emsg-project/emsg/vectors"
)

// The vectors are made by a generator independent of both the reference
// library and the JSON Schemas, so they can hold the two to each other:
// what the library accepts, the schemas must accept too.

// objectSchemas names, per vector file and group type, the test fields that
// hold a protocol object (as JSON text) and the schema each must satisfy.
var objectSchemas = map[string]map[string]map[string]string{
	vectors.KeyBundle:     {"KeyBundleVerify": {"bundle": "key-bundle"}, "KeyBundleChain": {"bundles": "key-chain"}},
	vectors.Envelope:      {"EnvelopeOpen": {"envelope": "envelope", "inner": "inner-message"}},
	vectors.GroupEnvelope: {"EnvelopeOpen": {"envelope": "envelope", "inner": "inner-message"}},
	vectors.ExportBundle:  {"ExportVerify": {"export": "export-bundle"}},
	vectors.Notices: {
		"MoveNoticeVerify":   {"notice": "move-notice"},
		"DeleteNoticeVerify": {"notice": "delete-notice"},
		"LoginProofVerify":   {"proof": "login-proof"},
	},
	vectors.SessionTicket: {"SessionAccept": {"ticket": "session-ticket", "auth": "session-auth"}},
}

func TestValidObjectsSatisfyTheirSchemas(t *testing.T) {
	checked := 0
	for file, groups := range objectSchemas {
		f, err := vectors.Load(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, gt := range f.Tests() {
			fields := groups[gt.Group.Type]
			if gt.Test.Result != vectors.Valid || fields == nil {
				continue
			}
			for field, schema := range fields {
				for i, doc := range objectTexts(t, gt.Test, field) {
					if err := spec.ValidateJSON(schema, doc); err != nil {
						t.Errorf("%s #%d %s[%d] (%s): the library accepts it, the schema does not: %v",
							file, gt.Test.TcID, field, i, gt.Test.Comment, err)
					}
					checked++
				}
			}
		}
	}
	if checked < 40 {
		t.Fatalf("only %d objects checked: the field table no longer matches the vector files", checked)
	}
}

// objectTexts returns the JSON texts in a test field: one text, or a list.
func objectTexts(t *testing.T, tc *vectors.Test, field string) [][]byte {
	t.Helper()
	if s, err := tc.String(field); err == nil {
		return [][]byte{[]byte(s)}
	}
	var list []string
	if err := json.Unmarshal(tc.Fields[field], &list); err != nil {
		t.Fatalf("#%d: field %q is neither a JSON text nor a list of them: %v", tc.TcID, field, err)
	}
	out := make([][]byte, len(list))
	for i, s := range list {
		out[i] = []byte(s)
	}
	return out
}

// TestAddressSchemaAgreesWithTheGrammar runs every address vector through
// the address definition of spec/schemas/defs.json: an object carries only
// canonical addresses, so the schema accepts exactly the inputs the library
// parses to themselves.
func TestAddressSchemaAgreesWithTheGrammar(t *testing.T) {
	schema := compileDef(t, "defs.json#/$defs/address")
	f, err := vectors.Load(vectors.Address)
	if err != nil {
		t.Fatal(err)
	}
	for _, gt := range f.Tests() {
		input, err := gt.Test.String("input")
		if err != nil {
			t.Fatal(err)
		}
		_, canonErr := address.ParseCanonical(input)
		schemaErr := schema.Validate(input)
		if (canonErr == nil) != (schemaErr == nil) {
			t.Errorf("#%d %q (%s): library says %v, schema says %v", gt.Test.TcID, input, gt.Test.Comment, canonErr, schemaErr)
		}
	}
}

// compileDef compiles one definition of the embedded schemas.
func compileDef(t *testing.T, ref string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	paths, err := fs.Glob(spec.SchemaFS, "schemas/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		raw, err := fs.ReadFile(spec.SchemaFS, p)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(spec.SchemaBaseURL+strings.TrimPrefix(p, "schemas/"), doc); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Compile(spec.SchemaBaseURL + ref)
	if err != nil {
		t.Fatal(fmt.Errorf("compile %s: %w", ref, err))
	}
	return s
}

// TestAuthorizationExamplesParse checks the Authorization header examples of
// the federation and admin OpenAPI documents against the header grammar
// of package fedsig (the OpenAPI pattern only checks their shape).
func TestAuthorizationExamplesParse(t *testing.T) {
	for _, api := range []spec.API{spec.FederationAPI, spec.AdminAPI} {
		doc, err := spec.Document(api)
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for name, p := range doc.Components.Parameters {
			if p.Value == nil || p.Value.In != "header" || p.Value.Name != "Authorization" {
				continue
			}
			example, ok := p.Value.Example.(string)
			if !ok {
				t.Errorf("%s: parameter %s has no string example", api, name)
				continue
			}
			if _, err := fedsig.ParseAuthorization(example); err != nil {
				t.Errorf("%s: parameter %s: example does not parse: %v", api, name, err)
			}
			found++
		}
		if found == 0 {
			t.Errorf("%s: no Authorization header parameter found", api)
		}
	}
}
