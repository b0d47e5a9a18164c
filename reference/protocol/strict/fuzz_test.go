package strict

import (
	"errors"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// FuzzRead feeds arbitrary bytes through a full read of every member kind:
// nothing panics, and every failure carries a defect.
func FuzzRead(f *testing.F) {
	f.Add([]byte(goodNote))
	f.Add([]byte(`{"type":"note","v":1}`))
	f.Add([]byte(`{"tags":[null,{"name":"\ud800"}]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		_, err := readNote(string(raw))
		if err != nil && wire.DefectOf(err) == "" {
			t.Fatalf("failure without a defect: %v", err)
		}
	})
}

func asWireError(err error, target **wire.Error) bool { return errors.As(err, target) }
