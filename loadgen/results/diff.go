package results

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Tolerances of [Diff]: how much worse a figure may get before it counts
// as a regression (run-to-run noise on a shared machine is large).
const (
	latencyTolerance    = 0.20 // p50 and p99 may grow by 20 %
	throughputTolerance = 0.10 // throughput and knee may fall by 10 %
)

// Diff compares two load results documents (their JSON) and writes a
// table of the headline figures to w, as "console" text or "markdown".
// It reports a regression when the new run lost or duplicated more
// messages, or its p50, p99, throughput or knee got worse beyond the
// tolerances. `emsg report diff` dispatches documents of kind "load" here.
func Diff(w io.Writer, oldRaw, newRaw []byte, format string) (regressed bool, err error) {
	o, n := New(), New()
	if err := json.Unmarshal(oldRaw, o); err != nil {
		return false, fmt.Errorf("diff load results: old: %w", err)
	}
	if err := json.Unmarshal(newRaw, n); err != nil {
		return false, fmt.Errorf("diff load results: new: %w", err)
	}
	o.Finish()
	n.Finish()
	type row struct {
		name     string
		old, new string
		worse    bool
	}
	ot, nt := o.Total(), n.Total()
	lat := func(q float64) (string, string, bool) {
		a, b := ot.Quantile(q), nt.Quantile(q)
		return ms(a), ms(b), float64(b) > float64(a)*(1+latencyTolerance) && b-a > time.Millisecond
	}
	rows := []row{
		{"lost", fmt.Sprint(o.Ledger.Lost), fmt.Sprint(n.Ledger.Lost), n.Ledger.Lost > o.Ledger.Lost},
		{"duplicated", fmt.Sprint(o.Ledger.Duplicated), fmt.Sprint(n.Ledger.Duplicated), n.Ledger.Duplicated > o.Ledger.Duplicated},
	}
	for _, q := range []struct {
		name string
		q    float64
	}{{"p50", .5}, {"p99", .99}} {
		a, b, worse := lat(q.q)
		rows = append(rows, row{q.name, a, b, worse})
	}
	rows = append(rows, row{"throughput/s", fmt.Sprintf("%.1f", o.Throughput()), fmt.Sprintf("%.1f", n.Throughput()),
		n.Throughput() < o.Throughput()*(1-throughputTolerance)})
	if len(o.Steps) > 0 || len(n.Steps) > 0 {
		rows = append(rows, row{"knee/s", fmt.Sprintf("%.0f", o.Knee), fmt.Sprintf("%.0f", n.Knee), n.Knee < o.Knee*(1-throughputTolerance)})
	}
	var b strings.Builder
	if format == "markdown" {
		b.WriteString("| figure | old | new | |\n|---|---|---|---|\n")
	}
	for _, r := range rows {
		mark := ""
		if r.worse {
			mark, regressed = "REGRESSED", true
		}
		if format == "markdown" {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.name, r.old, r.new, mark)
		} else {
			fmt.Fprintf(&b, "%-14s %12s → %-12s %s\n", r.name, r.old, r.new, mark)
		}
	}
	_, err = io.WriteString(w, b.String())
	return regressed, err
}
