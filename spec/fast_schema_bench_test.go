package spec

import (
	"strings"
	"testing"
)

// BenchmarkValidateHot checks the documents each cross-domain message
// meets on the server — its envelope, its federation item, a transaction
// of 100 such items, the answer — with the generic engine and with the
// fast validator, side by side:
//
//	go test -run '^$' -bench ValidateHot -benchmem ./spec/
func BenchmarkValidateHot(b *testing.B) {
	set, err := loadSchemas()
	if err != nil {
		b.Fatal(err)
	}
	env, _ := SchemaExamples("envelope")
	item := []byte(`{"kind":"envelope","envelope":` + string(env[0]) + `}`)
	items := strings.Repeat(string(item)+",", 99) + string(item)
	txn := []byte(`{"origin":"a.test","destination":"b.test","txn":"q1-100-100","items":[` + items + `]}`)
	results := []byte(`{"results":[` + strings.Repeat(`{"index":0,"status":"ok"},`, 99) + `{"index":0,"status":"ok"}]}`)
	docs := []struct {
		name, schema string
		raw          []byte
	}{
		{"envelope", "envelope", env[0]},
		{"fed-item-envelope", "fed-item#envelope", item},
		{"fed-transaction-100", "fed-transaction", txn},
		{"fed-results-100", "fed-results", results},
	}
	for _, d := range docs {
		file, def, isDef := strings.Cut(d.schema, "#")
		generic := set.compiled[file]
		if isDef {
			if generic, err = set.def(file, def); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(d.name+"/generic", func(b *testing.B) {
			b.SetBytes(int64(len(d.raw)))
			for b.Loop() {
				if err := validateGeneric(generic, file, d.raw); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(d.name+"/fast", func(b *testing.B) {
			b.SetBytes(int64(len(d.raw)))
			for b.Loop() {
				if valid, sure := fastVerdict(set.fast[d.schema], d.raw); !valid || !sure {
					b.Fatal("not valid")
				}
			}
		})
	}
}
