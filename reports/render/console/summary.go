// Package console renders runs for a terminal or a CI log: a summary per
// profile after a run ([Summary]) and a progress line or bar while it goes
// ([NewProgress]).
package console

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/emsg-project/emsg/reports/results"
)

// columns are the verdicts the summary table counts, with their headings.
var columns = []struct {
	v    results.Verdict
	head string
}{
	{results.Pass, "pass"}, {results.Fail, "fail"}, {results.NonStrict, "non-strict"},
	{results.ExpectedFailure, "xfail"}, {results.UnexpectedPass, "xpass"}, {results.Skipped, "skip"},
}

// Summary writes the summary of one run: a heading, a table with a row per
// profile, the failures with their requirements and reasons, the MUSTs no
// case covers, and the profiles the run certifies.
func Summary(w io.Writer, a results.Analysis) error {
	var b strings.Builder
	heading(&b, a)
	table(&b, a)
	failures(&b, a)
	gaps(&b, a)
	if c := a.Certified(); len(c) > 0 {
		fmt.Fprintf(&b, "certified for: %s\n", strings.Join(c, ", "))
	} else {
		fmt.Fprintln(&b, "certified for: no profile")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write console summary: %w", err)
	}
	return nil
}

func heading(b *strings.Builder, a results.Analysis) {
	run := a.Run
	fmt.Fprintf(b, "EMSG/1 conformance: %s (%s: %s)\n", a.Title(), run.Target.Kind, strings.Join(run.Target.Domains, ", "))
	fmt.Fprintf(b, "started %s, took %s, %d cases\n\n", run.Started.UTC().Format(time.RFC3339),
		time.Duration(run.Duration)*time.Millisecond, len(run.Cases))
}

func table(b *strings.Builder, a results.Analysis) {
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "profile\tstatus\tMUST met")
	for _, c := range columns {
		fmt.Fprintf(tw, "\t%s", c.head)
	}
	fmt.Fprintln(tw)
	for _, p := range a.Profiles {
		met := "-"
		if p.Certifiable() {
			met = fmt.Sprintf("%d/%d", p.MustsMet, p.Musts)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s", p.Profile, p.Status(), met)
		for _, c := range columns {
			fmt.Fprintf(tw, "\t%d", p.Counts[c.v])
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Fprintln(b)
}

func failures(b *strings.Builder, a results.Analysis) {
	fs := a.Failures()
	if len(fs) == 0 {
		return
	}
	fmt.Fprintln(b, "failures:")
	for _, c := range fs {
		fmt.Fprintf(b, "  %s %s [%s]\n", strings.ToUpper(string(c.Verdict)), c.ID, strings.Join(c.Requirements, " "))
		fmt.Fprintf(b, "      %s\n", c.Name)
		for _, line := range []struct{ label, text string }{{"", c.Reason}, {"expected: ", c.Expected}, {"actual:   ", c.Actual}} {
			if line.text != "" {
				fmt.Fprintf(b, "      %s%s\n", line.label, indent(line.text, "      "+strings.Repeat(" ", len(line.label))))
			}
		}
	}
	fmt.Fprintln(b)
}

func gaps(b *strings.Builder, a results.Analysis) {
	wrote := false
	for _, p := range a.Profiles {
		if len(p.Uncovered) > 0 {
			fmt.Fprintf(b, "MUSTs no case covers in %s: %s\n", p.Profile, strings.Join(p.Uncovered, ", "))
			wrote = true
		}
	}
	if len(a.Unknown) > 0 {
		fmt.Fprintf(b, "requirement IDs cited but not in the catalogue: %s\n", strings.Join(a.Unknown, ", "))
		wrote = true
	}
	if wrote {
		fmt.Fprintln(b)
	}
}

// indent puts prefix before every line of s but the first.
func indent(s, prefix string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}
