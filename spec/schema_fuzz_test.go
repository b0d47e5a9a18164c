package spec

import (
	"errors"
	"testing"
)

// FuzzValidateJSON feeds arbitrary bytes to ValidateJSON: it must never
// panic, and every failure must be a *SchemaError with a well-formed pointer.
func FuzzValidateJSON(f *testing.F) {
	ex, _ := SchemaExamples("envelope")
	f.Add(string(ex[0]))
	f.Add(`{"kind":"envelope","envelope":{"v":1.0}}`)
	f.Add(`{"a":{"a":1,"a":[1,2e3]}}`)
	f.Fuzz(func(t *testing.T, raw string) {
		for _, name := range []string{"envelope", "fed-item", "stream-server-frame"} {
			err := ValidateJSON(name, []byte(raw))
			if err == nil {
				continue
			}
			var se *SchemaError
			if !errors.As(err, &se) {
				t.Fatalf("%s: %T is not a *SchemaError: %v", name, err, err)
			}
			if se.Pointer != "" && se.Pointer[0] != '/' {
				t.Fatalf("%s: pointer %q does not start with /", name, se.Pointer)
			}
		}
	})
}
