// Package reports turns conformance runs into every report the project
// writes, in one call, for the conformance runner and `emsg report`.
//
// # For the runner
//
// While the run goes, report each finished case to a [console.Progress]
// ([NewProgress]); at the end, print the summary with [Console] and write
// the files with [WriteAll]:
//
//	p := reports.NewProgress(os.Stderr, total)
//	... p.CaseDone(c) per case ...
//	p.Close()
//	reports.Console(os.Stdout, run)
//	paths, err := reports.WriteAll("reports-out", run)
//
// # The packages
//
//   - [results]: the results model, its JSON form, and the views derived
//     from it (per requirement, per profile, certification);
//   - render/console, render/junit, render/jsonout, render/markdown,
//     render/html, render/badge: one renderer each;
//   - diff: regressions and improvements between two runs.
package reports

import (
	"io"

	"github.com/emsg-project/emsg/reports/render/console"
	"github.com/emsg-project/emsg/reports/results"
)

// Console writes the summary of run (per profile, failures, gaps,
// certification) for a terminal or a CI log.
func Console(w io.Writer, run results.Run) error {
	return console.Summary(w, results.Analyze(run))
}

// NewProgress returns the progress display for a run of total cases on w:
// a bar on a terminal, a line per case otherwise.
func NewProgress(w io.Writer, total int) console.Progress {
	return console.NewProgress(w, total)
}
