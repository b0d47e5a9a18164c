package markdown_test

import (
	"bytes"
	"testing"

	"github.com/emsg-project/emsg/reports/internal/golden"
	"github.com/emsg-project/emsg/reports/render/markdown"
	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/reports/results/resultstest"
)

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		runs []results.Run
	}{
		{"passing.md", []results.Run{resultstest.Passing()}},                         // one certified run
		{"failing.md", []results.Run{resultstest.Failing()}},                         // failures and gaps
		{"two-runs.md", []results.Run{resultstest.Passing(), resultstest.Failing()}}, // side by side
	}
	for _, tt := range tests {
		var as []results.Analysis
		for _, r := range tt.runs {
			as = append(as, results.AnalyzeWith(r, resultstest.Catalogue()))
		}
		var buf bytes.Buffer
		if err := markdown.Write(&buf, as...); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, tt.name, buf.Bytes())
	}
}
