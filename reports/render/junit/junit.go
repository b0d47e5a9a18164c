// Package junit renders runs as JUnit XML, the format CI systems (GitHub
// Actions reporters, GitLab, Jenkins) show as test results.
//
// # Mapping
//
// One <testsuite> per profile of each run (named "profile", or
// "implementation version / profile" when several runs share the file),
// one <testcase> per case:
//
//   - fail and unexpected-pass: a <failure> whose type is the first
//     requirement cited and whose text gives every requirement, expected
//     and actual;
//   - skipped and expected-failure: <skipped> with the reason;
//   - non-strict (a failed SHOULD): a passing test case whose system-out
//     says so, since it never blocks certification;
//   - the wire log goes to <system-out>, the server log to <system-err>.
package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/emsg-project/emsg/reports/results"
)

// Write renders the runs of analyses as one JUnit XML document.
func Write(w io.Writer, analyses ...results.Analysis) error {
	doc := Build(analyses...)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	return nil
}

// Build maps analyses to the JUnit document [Write] encodes.
func Build(analyses ...results.Analysis) TestSuites {
	doc := TestSuites{Name: "EMSG/1 conformance"}
	for _, a := range analyses {
		prefix := ""
		if len(analyses) > 1 {
			prefix = a.Title() + " / "
		}
		for _, p := range a.Profiles {
			doc.Suites = append(doc.Suites, suite(a, p, prefix))
		}
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
		doc.Time += s.Time
	}
	return doc
}

func suite(a results.Analysis, p results.ProfileSummary, prefix string) TestSuite {
	s := TestSuite{
		Name:      prefix + p.Profile,
		Timestamp: a.Run.Started.UTC().Format("2006-01-02T15:04:05"),
		Properties: []Property{
			{"implementation", a.Run.Implementation.Name}, {"version", a.Run.Implementation.Version},
			{"target", a.Run.Target.Kind}, {"status", p.Status()},
			{"musts_met", fmt.Sprintf("%d/%d", p.MustsMet, p.Musts)}, {"certified", fmt.Sprint(p.Certified)},
		},
	}
	for _, c := range a.Run.Cases {
		if c.Profile != p.Profile {
			continue
		}
		tc := testCase(c)
		s.Cases = append(s.Cases, tc)
		s.Tests++
		s.Time += tc.Time
		switch {
		case tc.Failure != nil:
			s.Failures++
		case tc.Skipped != nil:
			s.Skipped++
		}
	}
	return s
}

// testCase maps one case; the classname is the case's stable ID.
func testCase(c results.Case) TestCase {
	tc := TestCase{
		Name: c.Name, Classname: c.ID,
		Time:      Seconds(float64(c.Duration) / 1000),
		SystemOut: text(wireLog(c)),
		SystemErr: text(c.Evidence.ServerLog),
	}
	switch c.Verdict {
	case results.Fail, results.UnexpectedPass:
		tc.Failure = &Failure{Message: failureMessage(c), Type: firstOr(c.Requirements, string(c.Verdict)), Text: clean(failureText(c))}
	case results.Skipped:
		tc.Skipped = &Skipped{Message: c.Reason}
	case results.ExpectedFailure:
		tc.Skipped = &Skipped{Message: "expected failure: " + c.Reason}
	case results.NonStrict:
		tc.SystemOut = text("non-strict (a SHOULD failed, certification unaffected): " + failureText(c) + wireLog(c))
	}
	return tc
}

// failureMessage is the one line CI systems show: requirements and reason.
func failureMessage(c results.Case) string {
	reason := c.Reason
	if c.Verdict == results.UnexpectedPass {
		reason = "passed, but the expectations file lists it as a known failure: " + c.Reason
	}
	return strings.Join(c.Requirements, " ") + ": " + reason
}

// failureText is the body of a <failure>: requirements, reason, expected,
// actual, one per line.
func failureText(c results.Case) string {
	var b strings.Builder
	fmt.Fprintf(&b, "requirements: %s (%s)\n", strings.Join(c.Requirements, ", "), c.Level)
	for _, l := range []struct{ label, text string }{{"reason", c.Reason}, {"expected", c.Expected}, {"actual", c.Actual}} {
		if l.text != "" {
			fmt.Fprintf(&b, "%s: %s\n", l.label, l.text)
		}
	}
	return b.String()
}

// wireLog renders the wire entries as plain text, one block per entry.
func wireLog(c results.Case) string {
	var b strings.Builder
	for _, e := range c.Evidence.Wire {
		fmt.Fprintf(&b, "%s %s %s\n", e.At.UTC().Format("15:04:05.000"), e.Kind, e.Summary)
		for _, l := range []struct{ label, text string }{{"> ", e.Request}, {"< ", e.Response}, {"! violation: ", e.Violation}} {
			if l.text != "" {
				fmt.Fprintf(&b, "  %s%s\n", l.label, l.text)
			}
		}
	}
	return b.String()
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}
