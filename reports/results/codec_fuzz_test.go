package results_test

import (
	"bytes"
	"testing"

	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/reports/results/resultstest"
)

// FuzzRead feeds the reader arbitrary documents: it must never panic, and
// whatever it accepts must survive Write and Read unchanged.
func FuzzRead(f *testing.F) {
	for _, run := range []results.Run{resultstest.Passing(), resultstest.Failing(), {}} {
		var buf bytes.Buffer
		if err := results.Write(&buf, run); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte(`{"kind":"conformance","format":1,"cases":null}`))
	f.Add([]byte(`{"kind":"conformance","format":1,"cases":[{"id":"a","verdict":"pass","duration_ms":-1}]}`))
	f.Add([]byte(`{"kind":"load","format":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		run, err := results.Decode(data)
		if err != nil {
			return
		}
		var once, twice bytes.Buffer
		if err := results.Write(&once, run); err != nil {
			t.Fatalf("write accepted run: %v", err)
		}
		again, err := results.Decode(once.Bytes())
		if err != nil {
			t.Fatalf("reread written run: %v\n%s", err, once.Bytes())
		}
		if err := results.Write(&twice, again); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(once.Bytes(), twice.Bytes()) {
			t.Fatalf("not stable:\n%s\n%s", once.Bytes(), twice.Bytes())
		}
		_ = results.AnalyzeWith(again, resultstest.Catalogue())
	})
}
