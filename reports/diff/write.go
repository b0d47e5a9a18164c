package diff

import (
	"fmt"
	"io"
	"strings"
)

// Format is how a diff is written: [Console] or [Markdown].
type Format string

// The formats of a diff.
const (
	Console  Format = "console"
	Markdown Format = "markdown"
)

// ParseFormat checks a format named on a command line.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case Console, Markdown:
		return f, nil
	}
	return "", fmt.Errorf("unknown diff format %q (want console or markdown)", s)
}

// Write writes d in format f.
func Write(w io.Writer, d Diff, f Format) error {
	var b strings.Builder
	if f == Markdown {
		markdown(&b, d)
	} else {
		console(&b, d)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	return nil
}

func console(b *strings.Builder, d Diff) {
	fmt.Fprintf(b, "EMSG/1 conformance diff: %s → %s\n", d.Old, d.New)
	fmt.Fprintf(b, "%d regressions, %d improvements, %d other changes\n", len(d.Regressions), len(d.Improvements), len(d.Changes))
	for _, group := range []struct {
		title string
		list  []Change
	}{{"regressions", d.Regressions}, {"improvements", d.Improvements}, {"other changes", d.Changes}} {
		if len(group.list) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n%s:\n", group.title)
		for _, c := range group.list {
			fmt.Fprintf(b, "  %s %s: %s → %s%s\n", c.Subject, c.ID, or(c.Old, "absent"), or(c.New, "absent"), requirements(c, " [%s]"))
			if c.Reason != "" {
				fmt.Fprintf(b, "      %s\n", oneLine(c.Reason))
			}
		}
	}
}

func markdown(b *strings.Builder, d Diff) {
	fmt.Fprintf(b, "## EMSG/1 conformance diff: %s → %s\n\n", cell(d.Old), cell(d.New))
	if d.Regressed() {
		fmt.Fprintf(b, "❌ **%d regressions**, %d improvements, %d other changes\n\n", len(d.Regressions), len(d.Improvements), len(d.Changes))
	} else {
		fmt.Fprintf(b, "✅ no regression, %d improvements, %d other changes\n\n", len(d.Improvements), len(d.Changes))
	}
	for _, group := range []struct {
		title string
		list  []Change
	}{{"Regressions", d.Regressions}, {"Improvements", d.Improvements}, {"Other changes", d.Changes}} {
		if len(group.list) == 0 {
			continue
		}
		fmt.Fprintf(b, "### %s\n\n| | id | before | after | requirements | reason |\n|---|---|---|---|---|---|\n", group.title)
		for _, c := range group.list {
			fmt.Fprintf(b, "| %s | `%s` | %s | %s | %s | %s |\n", c.Subject, cell(c.ID), or(c.Old, "–"), or(c.New, "–"),
				requirements(c, "%s"), cell(c.Reason))
		}
		fmt.Fprintln(b)
	}
}

func requirements(c Change, format string) string {
	if len(c.Requirements) == 0 {
		return ""
	}
	return fmt.Sprintf(format, strings.Join(c.Requirements, " "))
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func oneLine(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }

// cell makes s safe in a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;", "`", "'").Replace(oneLine(s))
}
