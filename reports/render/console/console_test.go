package console_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/emsg-project/emsg/reports/internal/golden"
	"github.com/emsg-project/emsg/reports/render/console"
	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/reports/results/resultstest"
)

func TestSummaryGolden(t *testing.T) {
	tests := []struct {
		name string
		run  results.Run
	}{
		{"passing.txt", resultstest.Passing()}, // certified for both profiles
		{"failing.txt", resultstest.Failing()}, // failures, a gap and an unknown ID
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := console.Summary(&buf, results.AnalyzeWith(tt.run, resultstest.Catalogue())); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, tt.name, buf.Bytes())
	}
}

func TestLinesProgressGolden(t *testing.T) {
	var buf bytes.Buffer
	p := console.NewProgress(&buf, 6) // a buffer is not a terminal: plain lines
	for _, c := range resultstest.Failing().Cases {
		p.CaseDone(c)
	}
	p.Close()
	golden.Check(t, "progress.txt", buf.Bytes())
}

// TestBarProgress drives the mpb bar from several goroutines, as parallel
// specs do, and checks that it ends and prints the failure above the bar.
func TestBarProgress(t *testing.T) {
	cases := resultstest.Failing().Cases
	for _, total := range []int{
		len(cases), // the runner knew the total
		0,          // it did not: Close completes the bar anyway
	} {
		var buf bytes.Buffer
		p := console.NewBar(&buf, total)
		var wg sync.WaitGroup
		for _, c := range cases {
			wg.Go(func() { p.CaseDone(c) })
		}
		wg.Wait()
		p.Close()
		out := buf.String()
		for _, want := range []string{"FAIL core/messaging/stores-before-202", "6/6", "1 failing"} {
			if !strings.Contains(out, want) {
				t.Errorf("total %d: bar output lacks %q:\n%s", total, want, out)
			}
		}
	}
}

func TestProgressFunc(t *testing.T) {
	var got []string
	var p console.Progress = console.ProgressFunc(func(c results.Case) { got = append(got, c.ID) })
	p.CaseDone(results.Case{ID: "x"})
	p.Close()
	if len(got) != 1 || got[0] != "x" {
		t.Errorf("got %v, want [x]", got)
	}
}
