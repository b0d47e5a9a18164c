package spec

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"
)

// update rewrites the golden files of this package's tests instead of
// comparing with them: go test ./spec -run TestEMSGMarkdownIsGenerated -update
var update = flag.Bool("update", false, "rewrite golden files (spec/EMSG.md) from the machine-readable spec")

// emsgMarkdownPath is the committed human-readable specification.
const emsgMarkdownPath = "EMSG.md"

// TestEMSGMarkdownIsGenerated fails when the committed EMSG.md differs from
// what the machine-readable spec renders to, so the two cannot drift.
func TestEMSGMarkdownIsGenerated(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteEMSGMarkdown(&buf); err != nil {
		t.Fatalf("WriteEMSGMarkdown: %v", err)
	}
	if *update {
		if err := os.WriteFile(emsgMarkdownPath, buf.Bytes(), 0o644); err != nil {
			t.Fatalf("update %s: %v", emsgMarkdownPath, err)
		}
		return
	}
	committed, err := os.ReadFile(emsgMarkdownPath)
	if err != nil {
		t.Fatalf("read %s: %v (generate it with -update)", emsgMarkdownPath, err)
	}
	if !bytes.Equal(committed, buf.Bytes()) {
		t.Errorf("%s is out of date (first difference at line %d); regenerate: go test ./spec -run TestEMSGMarkdownIsGenerated -update",
			emsgMarkdownPath, firstDifferentLine(string(committed), buf.String()))
	}
}

// TestEMSGMarkdownCoversTheSpec checks that the rendered document holds every
// requirement, error code, schema file and operation of the machine-readable spec.
func TestEMSGMarkdownCoversTheSpec(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteEMSGMarkdown(&buf); err != nil {
		t.Fatalf("WriteEMSGMarkdown: %v", err)
	}
	doc := buf.String()
	var want []string
	for _, r := range Requirements() {
		want = append(want, "**"+r.ID+"** ("+string(r.Level)+", "+string(r.Profile)+")")
	}
	for _, c := range ErrorCodes() {
		want = append(want, "| `"+c.Code+"` |")
	}
	for _, name := range SchemaNames() {
		want = append(want, "| `"+name+".json` |")
	}
	for _, api := range APIs {
		for _, o := range Operations(api) {
			want = append(want, "`"+o.OperationID+"`")
		}
	}
	for _, w := range want {
		if !strings.Contains(doc, w) {
			t.Errorf("EMSG.md lacks %q", w)
		}
	}
}

// firstDifferentLine returns the 1-based number of the first line where a
// and b differ.
func firstDifferentLine(a, b string) int {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}
