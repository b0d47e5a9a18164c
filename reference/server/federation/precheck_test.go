package federation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/emsg-project/emsg/spec"
)

// hotItems are an envelope item and a receipt item, each written as a
// server writes it and with other spacing and member order.
func hotItems(t testing.TB) []json.RawMessage {
	t.Helper()
	env, err := spec.SchemaExamples("envelope")
	if err != nil {
		t.Fatal(err)
	}
	rcp := `{"kind":"delivered","id":"01HF7YAT00011WPRHPQ49SFGWC","from":"bob#b.test","to":"alice#a.test","ts":1700000000000}`
	return []json.RawMessage{
		json.RawMessage(`{"kind":"envelope","envelope":` + string(env[0]) + `}`),
		json.RawMessage(`{ "envelope" : ` + string(env[0]) + ` , "kind" : "envelope" }`),
		json.RawMessage(`{"kind":"envelope","envelope":` + string(env[0]) + "} \n"),
		json.RawMessage(`{"kind":"receipt","receipt":` + rcp + `}`),
		json.RawMessage(`{"receipt":` + rcp + `,"kind":"receipt"}`),
	}
}

// The precheck's own reading of an envelope or receipt item (the kind, the
// member, the parties from the parsed value) answers exactly as the
// general path does: [checkParties] over the decoded item.
func TestPrecheckDecodesAsTheGeneralPath(t *testing.T) {
	in := &Inbox{}
	for _, item := range hotItems(t) {
		kind, err := validateItem(item)
		if err != nil {
			t.Fatalf("%s: %v", item, err)
		}
		for _, origin := range []string{"a.test", "b.test", "c.test"} {
			for _, self := range []string{"a.test", "b.test", "c.test"} {
				in.cfg.Domain = self
				got := in.precheck(origin, item)
				if got.envelope == nil && got.receipt == nil {
					t.Fatalf("%s: the precheck did not decode it", item)
				}
				want := checkParties(kind, item, origin, self)
				if fmt.Sprint(got.refusal) != fmt.Sprint(want) || got.kind != kind {
					t.Errorf("%s → %s, %s: precheck (%q) %v, general path (%q) %v", origin, self, item, got.kind, got.refusal, kind, want)
				}
			}
		}
		member := map[string]string{"envelope": "envelope", "receipt": "receipt"}[kind]
		raw, ok := memberOfItem(item, member)
		var m map[string]json.RawMessage
		if err := json.Unmarshal(item, &m); err != nil || !ok {
			t.Fatalf("%s: %v %v", item, err, ok)
		}
		if !bytes.Equal(bytes.TrimSpace(raw), bytes.TrimSpace(m[member])) {
			t.Errorf("memberOfItem(%s) = %s, want %s", item, raw, m[member])
		}
	}
}

// FuzzItemReading: for any item that passes fed-item.json, the kind and
// member read from the bytes are those a decoder reads.
func FuzzItemReading(f *testing.F) {
	for _, it := range hotItems(f) {
		f.Add([]byte(it))
	}
	f.Add([]byte(`{"kind":"envelope","envelope":{}}`))
	exs, _ := spec.SchemaExamples("fed-transaction")
	for _, ex := range exs {
		var tx struct{ Items []json.RawMessage }
		_ = json.Unmarshal(ex, &tx)
		for _, it := range tx.Items {
			f.Add([]byte(it))
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		kind, err := validateItem(raw)
		if err != nil {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("valid item does not decode: %v", err)
		}
		var want string
		_ = json.Unmarshal(m["kind"], &want)
		if kind != want {
			t.Fatalf("kind %q, want %q", kind, want)
		}
		for name, v := range m {
			if name == "kind" {
				continue
			}
			got, ok := memberOfItem(raw, name)
			if !ok || !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(v)) {
				t.Fatalf("member %s: %s, want %s", name, got, v)
			}
		}
	})
}

// The kinds memberOfItem reads from the bytes have exactly two members:
// kind and the member of their name.
func TestPairKindsHaveTwoMembers(t *testing.T) {
	raw, err := spec.SchemaFS.ReadFile("schemas/fed-item.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Defs map[string]struct {
			Properties           map[string]json.RawMessage `json:"properties"`
			AdditionalProperties *bool                      `json:"additionalProperties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for kind := range pairKinds {
		d := doc.Defs[kind]
		_, hasKind := d.Properties["kind"]
		_, hasMember := d.Properties[kind]
		if len(d.Properties) != 2 || !hasKind || !hasMember || d.AdditionalProperties == nil || *d.AdditionalProperties {
			t.Errorf("$defs/%s: properties %v, additionalProperties %v; want exactly kind and %s", kind, d.Properties, d.AdditionalProperties, kind)
		}
	}
}
