package vectors_test

import (
	"encoding/json"
	"io/fs"
	"testing"

	"github.com/emsg-project/emsg/vectors"
)

// FuzzParse feeds arbitrary bytes to the vector-file parser: it never
// panics, and a file it accepts re-encodes to a file it accepts again with
// the same tests.
func FuzzParse(f *testing.F) {
	for _, name := range []string{vectors.Address, vectors.Notices} {
		raw, err := fs.ReadFile(vectors.FS, "data/"+name+".json")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte(`{"testGroups":[{"type":"T","tests":[{"tcId":1,"comment":"","flags":[],"result":"valid","x":1}]}]}`))
	f.Add([]byte(`{"testGroups":[{"type":"T","tests":[null]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := vectors.Parse(data)
		if err != nil {
			return
		}
		raw, err := json.Marshal(file)
		if err != nil {
			t.Fatalf("accepted file does not encode: %v", err)
		}
		again, err := vectors.Parse(raw)
		if err != nil {
			t.Fatalf("re-encoded file rejected: %v\n%s", err, raw)
		}
		if len(again.Tests()) != len(file.Tests()) {
			t.Fatalf("re-encoding changed the number of tests: %d, want %d", len(again.Tests()), len(file.Tests()))
		}
	})
}
