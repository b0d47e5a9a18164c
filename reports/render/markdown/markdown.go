// Package markdown renders runs as GitHub-flavoured Markdown for a CI step
// summary: append the output to $GITHUB_STEP_SUMMARY and the job page shows
// a table per profile, the certified profiles, and each failure with its
// requirement and reason.
package markdown

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emsg-project/emsg/reports/results"
)

// columns are the verdicts the tables count, with their headings.
var columns = []struct {
	v    results.Verdict
	head string
}{
	{results.Pass, "pass"}, {results.Fail, "fail"}, {results.NonStrict, "non-strict"},
	{results.ExpectedFailure, "expected failure"}, {results.UnexpectedPass, "unexpected pass"}, {results.Skipped, "skipped"},
}

// Write renders analyses: a side-by-side table of profile statuses when
// there are several runs, then a section per run.
func Write(w io.Writer, analyses ...results.Analysis) error {
	var b strings.Builder
	if len(analyses) > 1 {
		sideBySide(&b, analyses)
	}
	for _, a := range analyses {
		section(&b, a)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write markdown: %w", err)
	}
	return nil
}

// Status is the text badge of a profile: an emoji and the status word.
func Status(p results.ProfileSummary) string {
	switch {
	case p.Certified:
		return "✅ certified"
	case !p.Certifiable():
		return "➖ not certifiable"
	case len(p.Failing) > 0:
		return "❌ " + p.Status()
	default:
		return "⚠️ " + p.Status()
	}
}

func sideBySide(b *strings.Builder, analyses []results.Analysis) {
	fmt.Fprintln(b, "## EMSG/1 conformance: side by side")
	fmt.Fprintln(b)
	fmt.Fprint(b, "| profile |")
	for _, a := range analyses {
		fmt.Fprintf(b, " %s |", cell(a.Title()))
	}
	fmt.Fprintf(b, "\n|---|%s\n", strings.Repeat("---|", len(analyses)))
	for _, name := range profileUnion(analyses) {
		fmt.Fprintf(b, "| %s |", cell(name))
		for _, a := range analyses {
			status := "not run"
			if p, ok := a.Profile(name); ok {
				status = Status(p)
			}
			fmt.Fprintf(b, " %s |", status)
		}
		fmt.Fprintln(b)
	}
	fmt.Fprintln(b)
}

func profileUnion(analyses []results.Analysis) []string {
	var names []string
	seen := map[string]bool{}
	for _, a := range analyses {
		for _, p := range a.Profiles {
			if !seen[p.Profile] {
				seen[p.Profile] = true
				names = append(names, p.Profile)
			}
		}
	}
	return names
}

func section(b *strings.Builder, a results.Analysis) {
	run := a.Run
	fmt.Fprintf(b, "## EMSG/1 conformance: %s\n\n", cell(a.Title()))
	fmt.Fprintf(b, "%s target (%s), started %s, took %s, %d cases.\n\n", cell(run.Target.Kind),
		cell(strings.Join(run.Target.Domains, ", ")), run.Started.UTC().Format("2006-01-02 15:04:05 UTC"),
		time.Duration(run.Duration)*time.Millisecond, len(run.Cases))
	profileTable(b, a)
	if c := a.Certified(); len(c) > 0 {
		fmt.Fprintf(b, "**Certified for:** %s\n\n", strings.Join(c, ", "))
	} else {
		fmt.Fprint(b, "**Certified for:** no profile\n\n")
	}
	failures(b, a)
	gaps(b, a)
}

func profileTable(b *strings.Builder, a results.Analysis) {
	fmt.Fprint(b, "| profile | status | MUST met |")
	for _, c := range columns {
		fmt.Fprintf(b, " %s |", c.head)
	}
	fmt.Fprintf(b, "\n|---|---|---:|%s\n", strings.Repeat("---:|", len(columns)))
	for _, p := range a.Profiles {
		met := "–"
		if p.Certifiable() {
			met = fmt.Sprintf("%d/%d", p.MustsMet, p.Musts)
		}
		fmt.Fprintf(b, "| %s | %s | %s |", cell(p.Profile), Status(p), met)
		for _, c := range columns {
			fmt.Fprintf(b, " %d |", p.Counts[c.v])
		}
		fmt.Fprintln(b)
	}
	fmt.Fprintln(b)
}

func failures(b *strings.Builder, a results.Analysis) {
	fs := a.Failures()
	if len(fs) == 0 {
		return
	}
	fmt.Fprintf(b, "### Failures (%d)\n\n", len(fs))
	for _, c := range fs {
		fmt.Fprintf(b, "- **%s** %s — %s  \n", c.Verdict, code(c.ID), cell(c.Name))
		fmt.Fprintf(b, "  requirements: %s", codes(c.Requirements))
		if c.Reason != "" {
			fmt.Fprintf(b, " · %s", cell(c.Reason))
		}
		if c.Expected != "" || c.Actual != "" {
			fmt.Fprintf(b, "  \n  expected: %s · actual: %s", code(c.Expected), code(c.Actual))
		}
		fmt.Fprintln(b)
	}
	fmt.Fprintln(b)
}

func gaps(b *strings.Builder, a results.Analysis) {
	for _, p := range a.Profiles {
		if len(p.Uncovered) > 0 {
			fmt.Fprintf(b, "<details><summary>MUSTs of %s no case covers (%d)</summary>\n\n%s\n\n</details>\n\n",
				cell(p.Profile), len(p.Uncovered), codes(p.Uncovered))
		}
	}
	if len(a.Unknown) > 0 {
		fmt.Fprintf(b, "Requirement IDs cited but not in the catalogue: %s\n\n", codes(a.Unknown))
	}
}
