package spec

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestValidateJSONDef(t *testing.T) {
	envelopeItem := mustFedItemExample(t, 0)
	for _, c := range []struct {
		name, schema, def string
		raw               []byte
		ok                bool
		unknown           bool
	}{
		// The envelope item of the fed-transaction example passes its kind's definition.
		{"a valid item", "fed-item", "envelope", envelopeItem, true, false},
		// The same item fails another kind's definition (kind is const there).
		{"the wrong kind's definition", "fed-item", "receipt", envelopeItem, false, false},
		// The JSON rules of ValidateJSON apply: duplicate members are refused.
		{"a duplicate member", "fed-item", "envelope", []byte(`{"kind":"envelope","kind":"envelope"}`), false, false},
		// A definition that does not exist is an unknown schema, not a refusal of raw.
		{"no such definition", "fed-item", "nonsense", envelopeItem, false, true},
		// A schema that does not exist too.
		{"no such schema", "no-such-schema", "envelope", envelopeItem, false, true},
	} {
		err := ValidateJSONDef(c.schema, c.def, c.raw)
		if (err == nil) != c.ok || errors.Is(err, ErrUnknownSchema) != c.unknown {
			t.Errorf("%s: ValidateJSONDef = %v; want ok %v, unknown schema %v", c.name, err, c.ok, c.unknown)
		}
	}
}

// mustFedItemExample returns item i of the fed-transaction example.
func mustFedItemExample(t *testing.T, i int) []byte {
	t.Helper()
	exs, err := SchemaExamples("fed-transaction")
	if err != nil || len(exs) == 0 {
		t.Fatalf("fed-transaction examples: %v", err)
	}
	var tx struct{ Items []json.RawMessage }
	if err := json.Unmarshal(exs[0], &tx); err != nil || len(tx.Items) <= i {
		t.Fatalf("fed-transaction example: %v", err)
	}
	return tx.Items[i]
}
