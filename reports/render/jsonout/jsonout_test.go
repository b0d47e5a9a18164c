package jsonout_test

import (
	"bytes"
	"testing"

	"github.com/emsg-project/emsg/reports/internal/golden"
	"github.com/emsg-project/emsg/reports/render/jsonout"
	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/reports/results/resultstest"
)

func TestGolden(t *testing.T) {
	var run, sum bytes.Buffer
	if err := jsonout.Write(&run, resultstest.Failing()); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "failing.json", run.Bytes())
	// what is written reads back
	if _, err := results.Decode(run.Bytes()); err != nil {
		t.Errorf("written run does not read back: %v", err)
	}
	as := []results.Analysis{
		results.AnalyzeWith(resultstest.Passing(), resultstest.Catalogue()),
		results.AnalyzeWith(resultstest.Failing(), resultstest.Catalogue()),
	}
	if err := jsonout.WriteSummary(&sum, as...); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "summary.json", sum.Bytes())
}
