package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/conformance/runner"
	"github.com/emsg-project/emsg/spec"
	"github.com/emsg-project/emsg/vectors"
)

// emsg runs the CLI with args and returns its exit code, stdout and stderr.
func emsg(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCommands(t *testing.T) {
	example := writeExample(t, "envelope")
	broken := filepath.Join(t.TempDir(), "broken.json")
	if err := os.WriteFile(broken, []byte(`{"v":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // a fragment of stdout
		wantErr  string // a fragment of stderr
	}{
		// happy path
		{"one requirement by ID", []string{"spec", "requirements", "FED-SPOOF-01"}, 0, "FED-SPOOF-01", ""},
		{"requirements by profile and level", []string{"spec", "requirements", "--profile", "groups", "--level", "must"}, 0, "MUST", ""},
		{"schemas with titles", []string{"spec", "schemas"}, 0, "key-bundle", ""},
		{"a valid envelope", []string{"spec", "validate", "--schema", "envelope", example}, 0, "ok   " + example, ""},
		{"vector files with counts", []string{"vectors", "list"}, 0, "federation-signature", ""},
		{"one vector file checked", []string{"vectors", "check", "address"}, 0, "address", ""},
		// sad path
		{"an unknown requirement", []string{"spec", "requirements", "NOPE-01"}, 2, "", `emsg: error: no requirement "NOPE-01"`},
		{"an unknown profile", []string{"spec", "requirements", "--profile", "chat"}, 2, "", "emsg: hint: profiles are core"},
		{"an unknown schema", []string{"spec", "validate", "--schema", "letter", example}, 2, "", `unknown schema "letter"`},
		{"an invalid envelope", []string{"spec", "validate", "--schema", "envelope", broken}, 1, "FAIL " + broken, "1 of 1 files are not valid envelope objects"},
		{"an unknown vector file", []string{"vectors", "check", "smoke-signals"}, 2, "", "emsg: hint: list them with 'emsg vectors list'"},
		{"a malformed operator key", []string{"conform", "--target", "external", "--operator-key", "op1"}, 2, "", "emsg: hint: --operator-key is ed25519:<id>=<base64url 32-byte seed>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := emsg(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out, errOut)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("stdout does not contain %q:\n%s", tt.wantOut, out)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.wantErr, errOut)
			}
		})
	}
}

func TestErrorMessagesFollowTheRule(t *testing.T) {
	_, _, errOut := emsg(t, "spec", "requirements", "--level", "maybe")
	for _, line := range strings.Split(strings.TrimSpace(errOut), "\n") {
		msg, ok := strings.CutPrefix(line, "emsg: ")
		if !ok {
			t.Fatalf("line %q lacks the emsg: prefix", line)
		}
		if strings.HasSuffix(msg, ".") || msg != strings.ToLower(msg[:1])+msg[1:] {
			t.Errorf("line %q: messages start in lower case and end without a full stop", line)
		}
	}
}

func TestVectorsExportWritesEveryFile(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := emsg(t, "vectors", "export", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, name := range vectors.Files() {
		if _, err := os.Stat(filepath.Join(dir, "data", name+".json")); err != nil {
			t.Errorf("%s not exported: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(vectors.SchemaPath))); err != nil {
		t.Errorf("schema not exported: %v", err)
	}
	if !strings.Contains(out, "wrote ") {
		t.Errorf("no summary line: %q", out)
	}
}

// TestConformRunsTheSuites runs the suites in-process (Ginkgo allows one
// run per process, so this is the package's only conform run).
// It runs them in two processes, the other one this test binary running
// this test alone; there it only plays its part, and process 1 judges.
func TestConformRunsTheSuites(t *testing.T) {
	dir := t.TempDir()
	conformCommand = []string{os.Args[0], "-test.run=^TestConformRunsTheSuites$", "-test.count=1"}
	code, out, errOut := emsg(t, "conform", "--procs", "2", "--report-dir", dir, "--expectations", "../../conformance/expectations/reference.yaml")
	if runner.IsParallelProcess() {
		if code != 0 {
			t.Fatalf("conform as process 2: exit %d\n%s\n%s", code, out, errOut)
		}
		return
	}
	if code != 0 {
		t.Fatalf("conform against the reference: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"spec schemas", "spec requirements", "vector file", "requirement coverage", "not covered (no suite yet)", "reports in "} {
		if !strings.Contains(out, want) {
			t.Errorf("conform output lacks %q:\n%s", want, out)
		}
	}
	for _, report := range []string{"results.json", "junit.xml", "summary.md", "report.html"} {
		if _, err := os.Stat(filepath.Join(dir, report)); err != nil {
			t.Errorf("no %s written: %v", report, err)
		}
	}
}

// writeExample writes the first example of a schema to a file.
func writeExample(t *testing.T, schema string) string {
	t.Helper()
	examples, err := spec.SchemaExamples(schema)
	if err != nil || len(examples) == 0 {
		t.Fatalf("no example of %s: %v", schema, err)
	}
	path := filepath.Join(t.TempDir(), schema+".json")
	if err := os.WriteFile(path, examples[0], 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
