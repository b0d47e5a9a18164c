package console

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/emsg-project/emsg/reports/results"
)

// Progress is what a runner tells while a run goes: one call per finished
// case (from any goroutine), then Close once.
type Progress interface {
	CaseDone(c results.Case)
	Close()
}

// ProgressFunc adapts a function to [Progress]; Close does nothing.
type ProgressFunc func(results.Case)

// CaseDone calls f.
func (f ProgressFunc) CaseDone(c results.Case) { f(c) }

// Close does nothing.
func (ProgressFunc) Close() {}

var (
	_ Progress = ProgressFunc(nil)
	_ Progress = (*lines)(nil)
	_ Progress = (*bar)(nil)
)

// NewProgress returns a bar (mpb) when w is a terminal and plain lines
// otherwise (CI logs, files). total is the number of cases expected.
func NewProgress(w io.Writer, total int) Progress {
	if IsTerminal(w) {
		return NewBar(w, total)
	}
	return NewLines(w, total)
}

// IsTerminal reports whether w is a character device (a terminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// lines prints one line per case: "[  3/140] pass  core/...".
type lines struct {
	mu    sync.Mutex
	w     io.Writer
	total int
	done  int
}

// NewLines returns a [Progress] that writes one line per case to w.
func NewLines(w io.Writer, total int) Progress { return &lines{w: w, total: total} }

func (l *lines) CaseDone(c results.Case) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done++
	width := len(fmt.Sprint(l.total))
	fmt.Fprintf(l.w, "[%*d/%d] %-16s %s (%s)\n", width, l.done, l.total, c.Verdict, c.ID,
		time.Duration(c.Duration)*time.Millisecond)
}

func (l *lines) Close() {}

// bar draws an mpb bar with counts of failures, and prints each failure
// above it as it happens.
type bar struct {
	mu     sync.Mutex
	p      *mpb.Progress
	b      *mpb.Bar
	failed int
}

// NewBar returns a [Progress] that draws a bar on the terminal w.
func NewBar(w io.Writer, total int) Progress {
	pb := &bar{p: mpb.New(mpb.WithOutput(w), mpb.WithWidth(40), mpb.WithAutoRefresh())}
	pb.b = pb.p.AddBar(int64(total),
		mpb.PrependDecorators(decor.Name("conformance "), decor.CountersNoUnit("%d/%d")),
		mpb.AppendDecorators(decor.Any(pb.failures), decor.Elapsed(decor.ET_STYLE_GO, decor.WC{W: 6})),
	)
	return pb
}

func (pb *bar) failures(decor.Statistics) string {
	pb.mu.Lock()
	defer pb.mu.Unlock()
	if pb.failed == 0 {
		return ""
	}
	return fmt.Sprintf("%d failing ", pb.failed)
}

func (pb *bar) CaseDone(c results.Case) {
	if c.Verdict == results.Fail || c.Verdict == results.UnexpectedPass {
		pb.mu.Lock()
		pb.failed++
		pb.mu.Unlock()
		fmt.Fprintf(pb.p, "%s %s %s\n", strings.ToUpper(string(c.Verdict)), c.ID, c.Reason)
	}
	pb.b.Increment()
}

// Close completes the bar (the total may have been an estimate) and waits
// for mpb to draw it.
func (pb *bar) Close() {
	pb.b.SetTotal(-1, true)
	pb.p.Wait()
}
