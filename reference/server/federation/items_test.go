package federation

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/emsg-project/emsg/spec"
)

// TestItemDefinitionsFixTheKind holds fed-item.json to the premise of
// [validateItem]: every kind has a definition of that name which is an
// object, requires kind and fixes it to the definition's name.
func TestItemDefinitionsFixTheKind(t *testing.T) {
	raw, err := spec.SchemaFS.ReadFile("schemas/fed-item.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Properties struct {
			Kind struct {
				Enum []string `json:"enum"`
			} `json:"kind"`
		} `json:"properties"`
		Defs map[string]struct {
			Type       string   `json:"type"`
			Required   []string `json:"required"`
			Properties struct {
				Kind struct {
					Const *string `json:"const"`
				} `json:"kind"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Properties.Kind.Enum) == 0 {
		t.Fatal("fed-item.json lists no kinds")
	}
	for _, kind := range doc.Properties.Kind.Enum {
		d, ok := doc.Defs[kind]
		switch {
		case !ok:
			continue // validateItem falls back to the whole schema
		case d.Type != "object", !slices.Contains(d.Required, "kind"), d.Properties.Kind.Const == nil, *d.Properties.Kind.Const != kind:
			t.Errorf("$defs/%s does not fix the kind: type %q, required %v, const %v", kind, d.Type, d.Required, d.Properties.Kind.Const)
		}
	}
}

// TestValidateItem checks that validateItem answers as the whole schema
// does.
func TestValidateItem(t *testing.T) {
	exs, err := spec.SchemaExamples("fed-transaction")
	if err != nil {
		t.Fatal(err)
	}
	var tx struct{ Items []json.RawMessage }
	if err := json.Unmarshal(exs[0], &tx); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		raw  string
	}{
		// Valid items of two kinds: the fast path.
		{"an envelope item", string(tx.Items[0])},
		{"a receipt item", string(tx.Items[1])},
		// A kind the schema does not know: the whole schema's error.
		{"an unknown kind", `{"kind":"nonsense"}`},
		// A known kind without its member.
		{"an envelope item without envelope", `{"kind":"envelope"}`},
		// The kind under another case: no fast path, refused.
		{"KIND", `{"KIND":"receipt"}`},
		// Not an object.
		{"an array", `[1]`},
		// A duplicate member.
		{"a duplicate kind", `{"kind":"receipt","kind":"receipt"}`},
		// Not JSON.
		{"not JSON", `{"kind":`},
	}
	for _, c := range cases {
		_, got := validateItem(json.RawMessage(c.raw))
		want := spec.ValidateJSON("fed-item", []byte(c.raw))
		if (got == nil) != (want == nil) || (got != nil && got.Error() != want.Error()) {
			t.Errorf("%s: validateItem = %v, the whole schema says %v", c.name, got, want)
		}
	}
}

// FuzzValidateItem checks that validateItem and the whole schema agree on
// any input.
func FuzzValidateItem(f *testing.F) {
	exs, _ := spec.SchemaExamples("fed-transaction")
	var tx struct{ Items []json.RawMessage }
	_ = json.Unmarshal(exs[0], &tx)
	for _, it := range tx.Items {
		f.Add([]byte(it))
	}
	f.Add([]byte(`{"kind":"envelope"}`))
	f.Add([]byte(`{"kind":"receipt","receipt":{}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		_, got := validateItem(raw)
		want := spec.ValidateJSON("fed-item", raw)
		if (got == nil) != (want == nil) {
			t.Fatalf("validateItem = %v, the whole schema says %v", got, want)
		}
	})
}
