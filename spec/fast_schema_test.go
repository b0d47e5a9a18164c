package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The fast validator (fast_schema.go) must never call valid what the
// generic engine calls invalid, and it should take the documents the
// server sees. These tests run both over the same inputs and require the
// same verdict whenever the fast one is sure: every schema example, every
// JSON value in the vector files, the fuzz corpora, and systematic
// mutations of the examples; FuzzFastValidator does the same for
// arbitrary bytes.

// fastNames are the compiled entries: every schema and every definition.
func fastNames(t testing.TB) (*schemaSet, []string) {
	t.Helper()
	set, err := loadSchemas()
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(set.fast))
	for n := range set.fast {
		names = append(names, n)
	}
	slices.Sort(names)
	return set, names
}

// genericVerdict is the generic engine's verdict on raw for the entry name
// ("schema" or "schema#def").
func genericVerdict(t testing.TB, set *schemaSet, name string, raw []byte) bool {
	t.Helper()
	file, def, isDef := strings.Cut(name, "#")
	sch := set.compiled[file]
	if isDef {
		var err error
		if sch, err = set.def(file, def); err != nil {
			t.Fatal(err)
		}
	}
	return validateGeneric(sch, file, raw) == nil
}

// agree checks raw against name with both validators; it returns whether
// the fast one was sure.
func agree(t testing.TB, set *schemaSet, name string, raw []byte) bool {
	t.Helper()
	valid, sure := fastVerdict(set.fast[name], raw)
	if !sure {
		return false
	}
	if want := genericVerdict(t, set, name, raw); valid != want {
		t.Errorf("%s: fast validator says valid=%v, the generic engine %v, for\n%s", name, valid, want, raw)
	}
	return true
}

// Every schema compiles for the fast validator, and so does every
// definition: a keyword it does not know would leave the schema to the
// generic engine alone, which this test makes a decision rather than an
// accident.
func TestFastValidatorCompilesEverySchema(t *testing.T) {
	set, _ := fastNames(t)
	for _, name := range set.names {
		if set.fast[name] == nil {
			t.Errorf("%s.json is not compiled for the fast validator", name)
		}
	}
}

// Every example of every schema, checked against every schema and
// definition: the examples are valid for their own schema and mostly
// invalid for the others, so both verdicts are exercised. The fast
// validator must be sure of every example that has no escaped string.
func TestFastValidatorAgreesOnExamples(t *testing.T) {
	set, names := fastNames(t)
	docs := exampleCorpus(t)
	for _, d := range docs {
		for _, name := range names {
			agree(t, set, name, d.raw)
		}
		if valid, sure := fastVerdict(set.fast[d.schema], d.raw); !bytes.Contains(d.raw, []byte(`\`)) && (!sure || !valid) {
			t.Errorf("%s: the fast validator does not take its own example (sure %v, valid %v)\n%s", d.schema, sure, valid, d.raw)
		}
	}
}

// Every JSON value found in the vector files (objects, arrays and strings
// that hold JSON, valid and invalid cases alike), and the fuzz corpora,
// against every schema and definition.
func TestFastValidatorAgreesOnVectors(t *testing.T) {
	set, names := fastNames(t)
	docs := vectorCorpus(t)
	if len(docs) < 500 {
		t.Fatalf("only %d documents in the vector files", len(docs))
	}
	sure := 0
	for _, raw := range docs {
		for _, name := range names {
			if agree(t, set, name, raw) {
				sure++
			}
		}
	}
	t.Logf("%d documents × %d schemas, the fast validator sure of %d", len(docs), len(names), sure)
}

// Mutations of every example, each checked against the example's own
// schema, where a mutation most often turns valid into invalid: every
// member removed, replaced by values of every type and at every boundary,
// strings one character shorter and longer, numbers one off, unknown
// members added, array elements dropped and repeated.
func TestFastValidatorAgreesOnMutations(t *testing.T) {
	set, _ := fastNames(t)
	total, invalid := 0, 0
	for _, d := range exampleCorpus(t) {
		v := decodeNumbers(t, d.raw)
		names := []string{d.schema}
		if kind := kindOfExample(v); kind != "" && set.fast[d.schema+"#"+kind] != nil {
			names = append(names, d.schema+"#"+kind)
		}
		for _, m := range mutations(v) {
			raw := encodeNoEscape(t, m)
			for _, name := range names {
				if agree(t, set, name, raw) {
					total++
					if valid, _ := fastVerdict(set.fast[name], raw); !valid {
						invalid++
					}
				}
			}
		}
	}
	if invalid < total/4 {
		t.Errorf("only %d of %d mutations invalid: the mutations do not test rejection", invalid, total)
	}
	t.Logf("%d mutations checked by both validators, %d invalid", total, invalid)
}

// A federation transaction of 100 envelope items, as the outbox sends
// them: the fast validator takes it, and agrees.
func TestFastValidatorTakesAFullTransaction(t *testing.T) {
	set, _ := fastNames(t)
	envs, err := SchemaExamples("envelope")
	if err != nil {
		t.Fatal(err)
	}
	var items []string
	for i := range 100 {
		items = append(items, `{"kind":"envelope","envelope":`+string(envs[i%len(envs)])+`}`)
	}
	raw := []byte(`{"origin":"a.test","destination":"b.test","txn":"q1-100-100","items":[` + strings.Join(items, ",") + `]}`)
	if !agree(t, set, "fed-transaction", raw) {
		t.Fatal("the fast validator is not sure of a plain transaction")
	}
	if valid, _ := fastVerdict(set.fast["fed-transaction"], raw); !valid {
		t.Fatal("a valid transaction is invalid")
	}
}

// FuzzFastValidator: on any input, wherever the fast validator is sure,
// the generic engine agrees.
func FuzzFastValidator(f *testing.F) {
	for _, name := range []string{"envelope", "fed-item", "fed-transaction", "fed-results", "receipt", "stream-server-frame", "key-bundle"} {
		ex, _ := SchemaExamples(name)
		for _, e := range ex {
			f.Add(string(e))
		}
	}
	f.Add(`{"v":1,"v":1}`)
	f.Add(`{"a":[1,2,-0,10,9007199254740993]}`)
	set, names := fastNames(f)
	f.Fuzz(func(t *testing.T, raw string) {
		for _, name := range names {
			agree(t, set, name, []byte(raw))
		}
	})
}

// example is one schema example and the schema it belongs to.
type example struct {
	schema string
	raw    []byte
}

// exampleCorpus is every example of every schema, and of every definition
// of defs.json (defs.json keeps its examples on its definitions).
func exampleCorpus(t testing.TB) []example {
	t.Helper()
	var out []example
	for _, name := range SchemaNames() {
		ex, err := SchemaExamples(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ex {
			out = append(out, example{schema: name, raw: e})
		}
	}
	set, err := loadSchemas()
	if err != nil {
		t.Fatal(err)
	}
	defs, _ := set.files["defs"].doc["$defs"].(map[string]any)
	for name, d := range defs {
		m, _ := d.(map[string]any)
		list, _ := m["examples"].([]any)
		for _, e := range list {
			raw, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, example{schema: "defs#" + name, raw: raw})
		}
	}
	return out
}

// kindOfExample is the "kind" of an object example ("" if none).
func kindOfExample(v any) string {
	m, _ := v.(map[string]any)
	k, _ := m["kind"].(string)
	return k
}

// vectorCorpus is every JSON value in the vector files, every string in
// them that parses as JSON, and the fuzz corpora's inputs.
func vectorCorpus(t testing.TB) [][]byte {
	t.Helper()
	files, err := filepath.Glob("../vectors/data/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no vector files: %v", err)
	}
	seen := map[string]bool{}
	var out [][]byte
	addRaw := func(raw []byte) {
		if !seen[string(raw)] {
			seen[string(raw)] = true
			out = append(out, raw)
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			addRaw(encodeNoEscape(t, v))
			for _, e := range v {
				walk(e)
			}
		case []any:
			addRaw(encodeNoEscape(t, v))
			for _, e := range v {
				walk(e)
			}
		case string:
			if s := strings.TrimSpace(v); strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
				addRaw([]byte(v)) // as written: invalid JSON, repeated names and all
			}
		}
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		walk(decodeNumbers(t, raw))
	}
	corpora, _ := filepath.Glob("testdata/fuzz/*/*")
	for _, f := range corpora {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			var s string
			if rest, ok := strings.CutPrefix(line, "string("); ok {
				if _, err := fmt.Sscanf(strings.TrimSuffix(rest, ")"), "%q", &s); err == nil {
					addRaw([]byte(s))
				}
			}
		}
	}
	return out
}

// decodeNumbers decodes raw keeping numbers as written (json.Number).
func decodeNumbers(t testing.TB, raw []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// encodeNoEscape is compact JSON of v without HTML escapes, so that the
// strings carry no escape sequences unless they must.
func encodeNoEscape(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// replacements are the values a mutation puts in place of a member or
// element: every JSON type, and numbers and strings at the boundaries the
// schemas use.
var replacements = []any{
	nil, true, false, json.Number("0"), json.Number("-1"), json.Number("1"), json.Number("99"), json.Number("100"),
	json.Number("9007199254740991"), json.Number("9007199254740992"), json.Number("-0"), json.Number("18446744073709551616"),
	"", "x", "ok", "error", "moved", "rate_limited", "envelope", "receipt", "a#b.test", "alice#a.test", "A#a.test",
	"alice#a.test.", "alice#a.123", "a#" + strings.Repeat(strings.Repeat("b", 63)+".", 4) + "test", "forbidden", "not_found",
	"01ARZ3NDEKTSV4RRFFQ69G5FAV", "81ARZ3NDEKTSV4RRFFQ69G5FAV", strings.Repeat("A", 107),
	strings.Repeat("A", 106) + "B", "ed25519:k1", "é", strings.Repeat("é", 26), []any{}, []any{"x"},
	map[string]any{}, map[string]any{"kind": "envelope"},
}

// extraMembers are members a mutation adds to an object that lacks them:
// optional members whose presence other members constrain.
var extraMembers = map[string]any{
	"error": "forbidden", "moved_to": "alice#b.test", "retry_after": json.Number("1"), "message": "m",
	"session": "01ARZ3NDEKTSV4RRFFQ69G5FAV", "note": "n", "zz_unknown": json.Number("1"),
}

// mutations returns variants of v, each with one change.
func mutations(v any) []any {
	var out []any
	var visit func(path []any)
	visit = func(path []any) {
		cur := at(v, path)
		for _, r := range replacements {
			out = append(out, replaced(v, path, r))
		}
		switch c := cur.(type) {
		case string:
			if len(c) > 0 {
				out = append(out, replaced(v, path, c[:len(c)-1]), replaced(v, path, c[1:]))
			}
			out = append(out, replaced(v, path, c+"A"), replaced(v, path, c+"="), replaced(v, path, strings.ToUpper(c)))
		case json.Number:
			if n, ok := new(big.Int).SetString(string(c), 10); ok {
				for _, m := range []*big.Int{new(big.Int).Add(n, big.NewInt(1)), new(big.Int).Sub(n, big.NewInt(1)), new(big.Int).Mul(n, big.NewInt(10)), new(big.Int).Neg(n)} {
					out = append(out, replaced(v, path, json.Number(m.String())))
				}
			}
		case map[string]any:
			for k, e := range extraMembers {
				if _, ok := c[k]; !ok {
					out = append(out, replaced(v, path, withMember(c, k, e)))
				}
			}
			for k := range c {
				out = append(out, replaced(v, path, withoutMember(c, k)))
				visit(append(slices.Clip(path), k))
			}
		case []any:
			if len(c) > 0 {
				out = append(out, replaced(v, path, c[1:]), replaced(v, path, append(slices.Clone(c), c[0])))
			}
			for i := range c {
				visit(append(slices.Clip(path), i))
			}
		}
	}
	visit(nil)
	return out
}

// at returns the value at path (member names and indexes) in v.
func at(v any, path []any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v
}

// replaced returns a deep copy of v with the value at path replaced by r
// (the root itself when path is empty).
func replaced(v any, path []any, r any) any {
	if len(path) == 0 {
		return r
	}
	switch c := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(c))
		for k, e := range c {
			m[k] = e
		}
		k := path[0].(string)
		m[k] = replaced(c[k], path[1:], r)
		return m
	case []any:
		a := slices.Clone(c)
		i := path[0].(int)
		a[i] = replaced(c[i], path[1:], r)
		return a
	}
	return v
}

func withMember(m map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for kk, e := range m {
		out[kk] = e
	}
	out[k] = v
	return out
}

func withoutMember(m map[string]any, k string) map[string]any {
	out := make(map[string]any, len(m))
	for kk, e := range m {
		if kk != k {
			out[kk] = e
		}
	}
	return out
}
