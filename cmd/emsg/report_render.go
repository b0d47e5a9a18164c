package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/emsg-project/emsg/reports"
	"github.com/emsg-project/emsg/reports/render/badge"
	"github.com/emsg-project/emsg/reports/render/console"
	"github.com/emsg-project/emsg/reports/render/html"
	"github.com/emsg-project/emsg/reports/render/jsonout"
	"github.com/emsg-project/emsg/reports/render/junit"
	"github.com/emsg-project/emsg/reports/render/markdown"
	"github.com/emsg-project/emsg/reports/results"
)

// renderOutputs are the files `emsg report render` writes; "" skips one,
// "-" writes it to standard output.
type renderOutputs struct {
	html, junit, markdown, json, badges, dir string
}

func (o renderOutputs) none() bool {
	return o == renderOutputs{}
}

func newReportRenderCommand() *cobra.Command {
	var o renderOutputs
	cmd := &cobra.Command{
		Use:   "render RUN.json...",
		Short: "Render saved runs as HTML, JUnit XML, Markdown, a JSON summary and SVG badges",
		Long: `render reads one or more results files and writes the reports asked for; with
several runs the HTML page and the Markdown show them side by side. With no
output flag it prints the console summary of each run. A file name of "-"
writes that report to standard output.`,
		Example: `  emsg report render run.json --html report.html --badges badges/
  emsg report render reference.json acme.json --html side-by-side.html
  emsg report render run.json --markdown - >> "$GITHUB_STEP_SUMMARY"
  emsg report render run.json --dir out/   # everything, as 'emsg conform' writes it`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			analyses, err := readRuns(args)
			if err != nil {
				return err
			}
			return renderRuns(cmd.OutOrStdout(), o, analyses)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.html, "html", "", "write the self-contained HTML report to this file")
	fl.StringVar(&o.junit, "junit", "", "write JUnit XML to this file")
	fl.StringVar(&o.markdown, "markdown", "", "write the Markdown summary (for $GITHUB_STEP_SUMMARY) to this file")
	fl.StringVar(&o.json, "json", "", "write a JSON summary per run (profiles, certification) to this file")
	fl.StringVar(&o.badges, "badges", "", "write an SVG badge per profile into this directory (run-N/ subdirectories for several runs)")
	fl.StringVar(&o.dir, "dir", "", "write every report into this directory, as a conformance run does")
	return cmd
}

func readRuns(paths []string) ([]results.Analysis, error) {
	var out []results.Analysis
	for _, p := range paths {
		run, err := results.ReadFile(p)
		if err != nil {
			return nil, usagef("render reads conformance results files (run.json)", "%v", err)
		}
		out = append(out, results.Analyze(run))
	}
	return out, nil
}

func renderRuns(stdout io.Writer, o renderOutputs, as []results.Analysis) error {
	if o.none() {
		for _, a := range as {
			if err := console.Summary(stdout, a); err != nil {
				return err
			}
		}
		return nil
	}
	outputs := []struct {
		path   string
		render func(io.Writer) error
	}{
		{o.html, func(w io.Writer) error { return html.Write(w, as...) }},
		{o.junit, func(w io.Writer) error { return junit.Write(w, as...) }},
		{o.markdown, func(w io.Writer) error { return markdown.Write(w, as...) }},
		{o.json, func(w io.Writer) error { return jsonout.WriteSummary(w, as...) }},
	}
	for _, out := range outputs {
		if err := writeOutput(stdout, out.path, out.render); err != nil {
			return err
		}
	}
	if err := writeBadges(o.badges, as); err != nil {
		return err
	}
	if o.dir != "" {
		if _, err := reports.WriteAnalyses(o.dir, as...); err != nil {
			return err
		}
	}
	return nil
}

// writeBadges writes the badges of one run into dir, or of several runs
// into dir/run-1, dir/run-2...
func writeBadges(dir string, as []results.Analysis) error {
	if dir == "" {
		return nil
	}
	for i, a := range as {
		sub := dir
		if len(as) > 1 {
			sub = filepath.Join(dir, fmt.Sprintf("run-%d", i+1))
		}
		if _, err := badge.WriteDir(sub, a); err != nil {
			return err
		}
	}
	return nil
}

// writeOutput renders into memory and writes path ("-": stdout, "": skip).
func writeOutput(stdout io.Writer, path string, render func(io.Writer) error) error {
	if path == "" {
		return nil
	}
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	if path == "-" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
