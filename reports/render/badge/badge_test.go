package badge_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reports/internal/golden"
	"github.com/emsg-project/emsg/reports/render/badge"
	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/reports/results/resultstest"
)

func TestWriteDirGolden(t *testing.T) {
	tests := []struct {
		name string
		run  results.Run
	}{
		{"passing", resultstest.Passing()}, // core and federation certified, security grey
		{"failing", resultstest.Failing()}, // core and federation failing
	}
	for _, tt := range tests {
		dir := t.TempDir()
		paths, err := badge.WriteDir(dir, results.AnalyzeWith(tt.run, resultstest.Catalogue()))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			checkSVG(t, data)
			golden.Check(t, tt.name+"/"+filepath.Base(p), data)
		}
	}
}

func TestEscapes(t *testing.T) {
	svg := badge.SVG(`a<b`, `"x" & y`, badge.Red)
	checkSVG(t, []byte(svg))
	if !strings.Contains(svg, "a&lt;b") {
		t.Errorf("label not escaped: %s", svg)
	}
}

// checkSVG fails unless data is well-formed XML with an <svg> root.
func checkSVG(t *testing.T, data []byte) {
	t.Helper()
	var root struct{ XMLName xml.Name }
	if err := xml.Unmarshal(data, &root); err != nil || root.XMLName.Local != "svg" {
		t.Errorf("not an SVG document (%v): %s", err, data)
	}
}
