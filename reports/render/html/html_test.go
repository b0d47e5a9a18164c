package html_test

import (
	"bytes"
	"encoding/xml"
	"regexp"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reports/internal/golden"
	"github.com/emsg-project/emsg/reports/render/html"
	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/reports/results/resultstest"
)

func render(t *testing.T, runs ...results.Run) string {
	t.Helper()
	var as []results.Analysis
	for _, r := range runs {
		as = append(as, results.AnalyzeWith(r, resultstest.Catalogue()))
	}
	var buf bytes.Buffer
	if err := html.Write(&buf, as...); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestGolden(t *testing.T) {
	golden.Check(t, "failing.html", []byte(render(t, resultstest.Failing())))
	golden.Check(t, "two-runs.html", []byte(render(t, resultstest.Passing(), resultstest.Failing())))
}

// resourceRefs finds every attribute or CSS construct that could make a
// browser fetch something.
var resourceRefs = regexp.MustCompile(`(?i)(?:\b(?:src|href|action|poster|srcset|xlink:href)\s*=\s*["']?([^"'\s>]*))|url\(\s*["']?([^"')\s]*)|@import|<link\b|<script\b|<iframe\b|<object\b|<embed\b`)

// TestSelfContained checks the page loads nothing: every link is a
// fragment of the page itself, and there is no script, stylesheet link,
// import or frame. Text may mention URLs (wire logs do); markup may not.
func TestSelfContained(t *testing.T) {
	page := render(t, resultstest.Passing(), resultstest.Failing())
	for _, m := range resourceRefs.FindAllStringSubmatch(page, -1) {
		ref := m[1] + m[2]
		if m[1] == "" && m[2] == "" || !strings.HasPrefix(ref, "#") {
			t.Errorf("the page refers to something outside itself: %q", m[0])
		}
	}
	if !strings.Contains(page, "https://a.test/emsg/v1/messages") {
		t.Error("the wire log's URL should appear as text")
	}
}

// TestEscapes checks hostile text in a case stays text.
func TestEscapes(t *testing.T) {
	run := resultstest.Failing()
	run.Cases[1].Reason = `<script>alert(1)</script><img src="http://evil.test/x">`
	page := render(t, run)
	if strings.Contains(page, "<script>") || strings.Contains(page, `<img src`) {
		t.Error("case text was not escaped")
	}
}

// TestWellFormedSections parses each case section as XML (the template
// writes XHTML-compatible sections) to catch unbalanced markup.
func TestWellFormedSections(t *testing.T) {
	page := render(t, resultstest.Failing())
	start, end := strings.Index(page, "<main>"), strings.Index(page, "</main>")
	body := strings.NewReplacer(" open>", ` open="open">`, "&nbsp;", " ").Replace(page[start : end+len("</main>")])
	dec := xml.NewDecoder(strings.NewReader(body))
	dec.Strict = true
	for {
		_, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("unbalanced markup: %v", err)
			}
			return
		}
	}
}

// TestAnchorsAreUnique gives two cases IDs that slug alike.
func TestAnchorsAreUnique(t *testing.T) {
	run := resultstest.Passing()
	run.Cases[0].ID, run.Cases[1].ID = "core/a", "core-a"
	page := render(t, run)
	for _, want := range []string{`id="run-1-core-a"`, `id="run-1-core-a-2"`} {
		if strings.Count(page, want) != 1 {
			t.Errorf("want exactly one %s", want)
		}
	}
}
