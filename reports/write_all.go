package reports

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/emsg-project/emsg/reports/render/badge"
	"github.com/emsg-project/emsg/reports/render/html"
	"github.com/emsg-project/emsg/reports/render/junit"
	"github.com/emsg-project/emsg/reports/render/markdown"
	"github.com/emsg-project/emsg/reports/results"
)

// Paths are the files [WriteAll] wrote.
type Paths struct {
	Runs     []string // run.json, or run-1.json, run-2.json... for several runs
	JUnit    string   // junit.xml
	Markdown string   // summary.md
	HTML     string   // report.html
	Badges   []string // badges/<profile>.svg, or badges/run-N/<profile>.svg
}

// WriteAll writes every report of runs into dir (created if needed):
// the runs in the JSON results format, junit.xml, summary.md (for a CI step
// summary), report.html (self-contained, the runs side by side) and an SVG
// badge per profile. Requirements come from the embedded catalogue.
func WriteAll(dir string, runs ...results.Run) (Paths, error) {
	as := make([]results.Analysis, len(runs))
	for i, r := range runs {
		as[i] = results.Analyze(r)
	}
	return WriteAnalyses(dir, as...)
}

// WriteRendered writes every report of run into dir except the JSON run
// itself: for a caller that stores the run on its own (the conformance
// runner's results.json). Its signature is the runner's Renderer, so
//
//	runner.Renderers = append(runner.Renderers, reports.WriteRendered)
//
// adds every report to a conformance run.
func WriteRendered(dir string, run results.Run) error {
	_, err := writeAll(dir, false, results.Analyze(run))
	return err
}

// WriteAnalyses is [WriteAll] for runs already analysed (against any
// catalogue).
func WriteAnalyses(dir string, analyses ...results.Analysis) (Paths, error) {
	return writeAll(dir, true, analyses...)
}

// writeAll writes the reports of analyses into dir, and the runs
// themselves as JSON when withRuns is set.
func writeAll(dir string, withRuns bool, analyses ...results.Analysis) (Paths, error) {
	if len(analyses) == 0 {
		return Paths{}, fmt.Errorf("write reports: no run")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Paths{}, fmt.Errorf("write reports: %w", err)
	}
	var p Paths
	var err error
	for i, a := range analyses {
		name, badges := "run.json", filepath.Join(dir, "badges")
		if len(analyses) > 1 {
			name, badges = fmt.Sprintf("run-%d.json", i+1), filepath.Join(dir, "badges", fmt.Sprintf("run-%d", i+1))
		}
		if withRuns {
			path := filepath.Join(dir, name)
			if err := results.WriteFile(path, a.Run); err != nil {
				return p, err
			}
			p.Runs = append(p.Runs, path)
		}
		written, err := badge.WriteDir(badges, a)
		p.Badges = append(p.Badges, written...)
		if err != nil {
			return p, err
		}
	}
	if p.JUnit, err = writeFile(dir, "junit.xml", func(w io.Writer) error { return junit.Write(w, analyses...) }); err != nil {
		return p, err
	}
	if p.Markdown, err = writeFile(dir, "summary.md", func(w io.Writer) error { return markdown.Write(w, analyses...) }); err != nil {
		return p, err
	}
	if p.HTML, err = writeFile(dir, "report.html", func(w io.Writer) error { return html.Write(w, analyses...) }); err != nil {
		return p, err
	}
	return p, nil
}

// writeFile renders into memory, then writes dir/name: a failed render
// leaves no half-written file.
func writeFile(dir, name string, render func(io.Writer) error) (string, error) {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return "", fmt.Errorf("write reports: %w", err)
	}
	return path, nil
}
