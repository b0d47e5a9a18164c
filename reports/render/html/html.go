// Package html renders runs as one self-contained HTML page: open it from a
// CI artifact or a laptop with no network and everything is there.
//
// # The page
//
//   - a header card per run (implementation, target, certified profiles,
//     a badge per profile), several runs side by side;
//   - the profile × requirement matrix: a row per requirement, a column per
//     run, each cell the requirement's verdict, linked to the case that
//     decides it;
//   - a section per case of each run with its requirements, reason,
//     expected and actual, and the evidence: the wire log and the server
//     log. Cases that need attention are open, the rest folded.
//
// CSS is inline and badges are inline SVG; the page loads no script, font,
// image or stylesheet from anywhere (a test checks it).
package html

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/emsg-project/emsg/reports/results"
)

//go:embed report.html.tmpl
var pageTemplate string

//go:embed style.css
var style string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"join": joinStrings,
	"add3": func(n int) int { return n + 3 },
}).Parse(pageTemplate))

// Write renders analyses as one page.
func Write(w io.Writer, analyses ...results.Analysis) error {
	if err := page.Execute(w, build(analyses)); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

// view is what the template renders.
type view struct {
	Title  string
	CSS    template.CSS
	Runs   []runView
	Matrix []matrixProfile
}

func build(analyses []results.Analysis) view {
	v := view{Title: "EMSG/1 conformance", CSS: template.CSS(style)}
	if len(analyses) == 1 {
		v.Title += ": " + analyses[0].Title()
	}
	for i, a := range analyses {
		v.Runs = append(v.Runs, newRunView(i, a))
	}
	v.Matrix = matrix(analyses, v.Runs)
	return v
}

// duration formats whole milliseconds as Go does ("1.5s").
func duration(ms results.Millis) string { return (time.Duration(ms) * time.Millisecond).String() }
