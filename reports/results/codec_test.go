package results_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/reports/results/resultstest"
)

func TestWriteReadRoundTrip(t *testing.T) {
	for _, run := range []results.Run{resultstest.Passing(), resultstest.Failing()} {
		path := filepath.Join(t.TempDir(), "run.json")
		if err := results.WriteFile(path, run); err != nil {
			t.Fatal(err)
		}
		got, err := results.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, run) {
			t.Errorf("round trip changed the run:\ngot  %+v\nwant %+v", got, run)
		}
	}
}

func TestReadRefuses(t *testing.T) {
	var good bytes.Buffer
	if err := results.Write(&good, resultstest.Passing()); err != nil {
		t.Fatal(err)
	}
	valid := good.String()
	tests := []struct {
		name string
		doc  string
		want error // nil: any error
	}{
		// a newer format this build cannot read
		{"format", strings.Replace(valid, `"format": 1`, `"format": 2`, 1), results.ErrFormat},
		// a load run is not a conformance run
		{"kind", strings.Replace(valid, `"kind": "conformance"`, `"kind": "load"`, 1), results.ErrKind},
		// no kind at all
		{"no kind", `{"format":1}`, results.ErrInvalid},
		// a field this format does not have
		{"unknown field", strings.Replace(valid, `"format": 1`, `"format": 1, "extra": true`, 1), nil},
		// two documents in one
		{"trailing", valid + "{}", results.ErrInvalid},
		// a verdict that does not exist
		{"verdict", strings.Replace(valid, `"verdict": "pass"`, `"verdict": "great"`, 1), results.ErrInvalid},
		// two cases with one ID
		{"duplicate id", strings.Replace(valid, `"core/messaging/stores-before-202"`, `"core/addresses/rejects-bad-addresses"`, 1), results.ErrInvalid},
		// not JSON
		{"garbage", "<xml/>", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := results.Read(strings.NewReader(tt.doc))
			if err == nil {
				t.Fatal("got no error, want one")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestPeekHeader(t *testing.T) {
	h, err := results.PeekHeader([]byte(`{"kind":"load","format":3,"anything":[1,2]}`))
	if err != nil || h.Kind != "load" || h.Format != 3 {
		t.Errorf("got %+v, %v; want load/3", h, err)
	}
}
