package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/emsg-project/emsg/conformance/runner"
	"github.com/emsg-project/emsg/conformance/suites"
	"github.com/emsg-project/emsg/reports/results"
)

// printSummary prints the verdicts per suite, the failures, the
// requirement coverage and what is certified; it returns the number of
// failed cases.
func printSummary(out io.Writer, run results.Run) int {
	counts := map[string]map[results.Verdict]int{}
	failed := 0
	for _, c := range run.Cases {
		if counts[c.Profile] == nil {
			counts[c.Profile] = map[results.Verdict]int{}
		}
		counts[c.Profile][c.Verdict]++
		if c.Verdict == results.Fail {
			failed++
			fmt.Fprintf(out, "FAIL %s [%s]\n     %s\n", c.ID, strings.Join(c.Requirements, " "), firstLine(c.Reason))
		}
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "suite\tpass\tfail\tnon-strict\texpected-failure\tunexpected-pass\tskipped")
	for _, s := range suites.Suites() {
		n := counts[string(s)]
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%d\n", s, n[results.Pass], n[results.Fail], n[results.NonStrict],
			n[results.ExpectedFailure], n[results.UnexpectedPass], n[results.Skipped])
	}
	w.Flush()
	fmt.Fprintf(out, "%d cases in %.1f s\n\n", len(run.Cases), float64(run.Duration)/1000)
	printCoverage(out, runner.CoverageOf(suites.Cases()))
	printCertified(out, run)
	return failed
}

// printCoverage says, per profile, how many MUSTs the cases cite, and
// which profiles this run certifies.
func printCoverage(out io.Writer, cov runner.Coverage) {
	fmt.Fprintln(out, "requirement coverage (MUST statements cited by a case):")
	for _, p := range cov.Profiles {
		if !p.HasSuites {
			fmt.Fprintf(out, "  %-10s %3d MUSTs: not covered (no suite yet)\n", p.Profile, p.Musts)
			continue
		}
		fmt.Fprintf(out, "  %-10s %3d/%d MUSTs cited; uncovered: %s\n", p.Profile, p.Cited, p.Musts, abbreviate(p.Uncovered, 8))
	}
	if len(cov.Unknown) > 0 {
		fmt.Fprintf(out, "  cases cite unknown requirements: %s\n", strings.Join(cov.Unknown, ", "))
	}
}

// printCertified says which profiles the run certifies.
func printCertified(out io.Writer, run results.Run) {
	var certified []string
	for _, p := range runner.Certified(run) {
		certified = append(certified, string(p))
	}
	if len(certified) == 0 {
		fmt.Fprintln(out, "no profile is certified by this run: certification needs a passing case for every MUST of a profile")
		return
	}
	fmt.Fprintf(out, "certified: %s\n", strings.Join(certified, ", "))
}

// printCatalogue prints every case of a dry run: id, level, requirements.
func printCatalogue(out io.Writer, run results.Run) {
	fmt.Fprintln(out)
	sort.Slice(run.Cases, func(i, j int) bool { return run.Cases[i].ID < run.Cases[j].ID })
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "case\tlevel\trequirements")
	for _, c := range run.Cases {
		fmt.Fprintf(w, "%s\t%s\t%s\n", c.ID, c.Level, strings.Join(c.Requirements, " "))
	}
	w.Flush()
	fmt.Fprintf(out, "%d cases\n\n", len(run.Cases))
	printCoverage(out, runner.CoverageOf(suites.Cases()))
}

func abbreviate(ids []string, n int) string {
	if len(ids) == 0 {
		return "none"
	}
	if len(ids) <= n {
		return strings.Join(ids, " ")
	}
	return strings.Join(ids[:n], " ") + fmt.Sprintf(" … and %d more", len(ids)-n)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
