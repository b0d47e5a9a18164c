package reports_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reports"
	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/reports/results/resultstest"
	"github.com/emsg-project/emsg/spec"
)

func TestWriteAll(t *testing.T) {
	tests := []struct {
		name      string
		runs      []results.Run
		wantFiles []string
	}{
		// one run: run.json and badges/<profile>.svg
		{"one run", []results.Run{resultstest.Passing()}, []string{
			"badges/core.svg", "badges/federation.svg", "badges/security.svg",
			"junit.xml", "report.html", "run.json", "summary.md"}},
		// two runs: numbered
		{"two runs", []results.Run{resultstest.Passing(), resultstest.Failing()}, []string{
			"badges/run-1/core.svg", "badges/run-1/federation.svg", "badges/run-1/security.svg",
			"badges/run-2/core.svg", "badges/run-2/federation.svg", "badges/run-2/robustness.svg",
			"junit.xml", "report.html", "run-1.json", "run-2.json", "summary.md"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			paths, err := reports.WriteAll(dir, tt.runs...)
			if err != nil {
				t.Fatal(err)
			}
			if got := files(t, dir); !slices.Equal(got, tt.wantFiles) {
				t.Errorf("wrote %v, want %v", got, tt.wantFiles)
			}
			for i, p := range paths.Runs {
				if _, err := results.ReadFile(p); err != nil {
					t.Errorf("run %d does not read back: %v", i, err)
				}
			}
			if paths.HTML != filepath.Join(dir, "report.html") || paths.JUnit == "" || paths.Markdown == "" {
				t.Errorf("paths %+v", paths)
			}
		})
	}
}

func TestWriteRendered(t *testing.T) {
	dir := t.TempDir()
	if err := reports.WriteRendered(dir, resultstest.Passing()); err != nil {
		t.Fatal(err)
	}
	want := []string{"badges/core.svg", "badges/federation.svg", "badges/security.svg", "junit.xml", "report.html", "summary.md"}
	if got := files(t, dir); !slices.Equal(got, want) {
		t.Errorf("wrote %v, want %v (no run.json)", got, want)
	}
}

func TestWriteAllNoRun(t *testing.T) {
	if _, err := reports.WriteAll(t.TempDir()); err == nil {
		t.Error("got no error for no run")
	}
}

func TestConsole(t *testing.T) {
	var buf bytes.Buffer
	if err := reports.Console(&buf, resultstest.Passing()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "emsg-reference 0.1.0") {
		t.Errorf("summary lacks the implementation:\n%s", buf.String())
	}
}

// files lists the regular files under dir, relative and sorted.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestEveryMustPassingCertifiesEveryProfile builds a run with one passing
// case per requirement of the embedded catalogue: every profile must come
// out certified, and all the reports must render at that size.
func TestEveryMustPassingCertifiesEveryProfile(t *testing.T) {
	run := resultstest.Passing()
	run.Profiles, run.Cases = nil, nil
	for _, r := range spec.Requirements() {
		if !slices.Contains(run.Profiles, string(r.Profile)) {
			run.Profiles = append(run.Profiles, string(r.Profile))
		}
		run.Cases = append(run.Cases, results.Case{ID: "case-" + r.ID, Name: r.Statement, Profile: string(r.Profile),
			Level: string(r.Level), Requirements: []string{r.ID}, Verdict: results.Pass})
	}
	a := results.Analyze(run)
	if got, want := len(a.Certified()), len(spec.Profiles()); got != want {
		t.Errorf("certified %v, want all %d profiles", a.Certified(), want)
	}
	paths, err := reports.WriteAll(t.TempDir(), run, run)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(paths.HTML)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d cases, two runs side by side: report.html is %d KB", len(run.Cases), info.Size()/1024)
}
