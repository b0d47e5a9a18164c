package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/reports/results/resultstest"
)

// writeRuns saves the sample runs and a load result in a temporary
// directory and returns their paths.
func writeRuns(t *testing.T) (passing, failing, load string) {
	t.Helper()
	dir := t.TempDir()
	passing, failing, load = filepath.Join(dir, "passing.json"), filepath.Join(dir, "failing.json"), filepath.Join(dir, "load.json")
	if err := results.WriteFile(passing, resultstest.Passing()); err != nil {
		t.Fatal(err)
	}
	if err := results.WriteFile(failing, resultstest.Failing()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(load, []byte(`{"kind":"load","format":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return passing, failing, load
}

func TestReportCommands(t *testing.T) {
	passing, failing, load := writeRuns(t)
	out := t.TempDir()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // a fragment of stdout
		wantErr  string // a fragment of stderr
	}{
		// happy path
		{"no change", []string{"report", "diff", passing, passing}, 0, "0 regressions", ""},
		{"an improvement", []string{"report", "diff", failing, passing}, 0, "improvements:", ""},
		{"a summary per run", []string{"report", "render", passing, failing}, 0, "acme-emsg 2.3", ""},
		{"markdown to stdout", []string{"report", "render", failing, "--markdown", "-"}, 0, "### Failures (2)", ""},
		{"every report", []string{"report", "render", passing, failing, "--dir", out, "--html", filepath.Join(out, "x.html"),
			"--badges", filepath.Join(out, "b"), "--junit", "-"}, 0, "<testsuites", ""},
		// sad path
		{"a regression", []string{"report", "diff", passing, failing}, 1, "case core/messaging/stores-before-202: pass → fail", "regressed against"},
		{"a regression as markdown", []string{"report", "diff", "--format", "markdown", passing, failing}, 1, "❌ **", ""},
		{"a bad format", []string{"report", "diff", "--format", "pdf", passing, failing}, 2, "", "emsg: hint: formats are console and markdown"},
		{"a missing file", []string{"report", "diff", passing, "nope.json"}, 2, "", "emsg: error: read results"},
		{"mixed kinds", []string{"report", "diff", passing, load}, 2, "", "cannot compare"},
		{"a load run rendered", []string{"report", "render", load}, 2, "", "not a conformance run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := emsg(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			if !strings.Contains(stdout, tt.wantOut) {
				t.Errorf("stdout does not contain %q:\n%s", tt.wantOut, stdout)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.wantErr, stderr)
			}
		})
	}
	for _, f := range []string{"x.html", "report.html", "run-2.json", "b/run-1/core.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("render did not write %s: %v", f, err)
		}
	}
}
