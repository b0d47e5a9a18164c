package loadgen

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Display shows a run's progress: live bars on a terminal (mpb), plain
// periodic lines otherwise (CI logs, pods). Pass [Display.Update] as
// Options.Progress and call [Display.Close] after the run.
type Display struct {
	mu    sync.Mutex
	last  Progress
	total time.Duration

	// bars mode
	p   *mpb.Progress
	bar *mpb.Bar

	// lines mode
	w        io.Writer
	every    time.Duration
	lastLine time.Time
}

// NewDisplay returns a display writing to w for a schedule of length
// total. mode is "bars", "lines", "none" or "auto" (bars when w is a
// terminal).
func NewDisplay(w io.Writer, mode string, total time.Duration) (*Display, error) {
	d := &Display{w: w, total: total, every: 5 * time.Second}
	if mode == "auto" {
		mode = "lines"
		if isTerminal(w) {
			mode = "bars"
		}
	}
	switch mode {
	case "bars":
		d.p = mpb.New(mpb.WithOutput(w), mpb.WithRefreshRate(250*time.Millisecond))
		d.bar = d.p.AddBar(max(1, int64(total/time.Second)),
			mpb.PrependDecorators(decor.Any(func(decor.Statistics) string { return d.left() }, decor.WCSyncSpaceR)),
			mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return d.right() })))
	case "lines", "none":
		if mode == "none" {
			d.w = nil
		}
	default:
		return nil, fmt.Errorf("progress %q: want auto, bars, lines or none", mode)
	}
	return d, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Update takes a new snapshot.
func (d *Display) Update(p Progress) {
	d.mu.Lock()
	d.last = p
	d.mu.Unlock()
	if d.bar != nil {
		d.bar.SetCurrent(int64((d.total - p.Remaining) / time.Second))
		return
	}
	if d.w != nil && (time.Since(d.lastLine) >= d.every || p.Stage == "done") {
		d.lastLine = time.Now()
		fmt.Fprintln(d.w, line(p))
	}
}

func (d *Display) left() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return fmt.Sprintf("%-8s online %d/%d", d.last.Stage, d.last.Online, d.last.Users)
}

func (d *Display) right() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.last
	return fmt.Sprintf("sent %d/%d delivered %d in flight %d errors %d  %v elapsed, %v left",
		p.Sent, p.Scheduled, p.Delivered, p.InFlight, p.Errors, p.Elapsed.Round(time.Second), p.Remaining.Round(time.Second))
}

// line is the plain form of a snapshot.
func line(p Progress) string {
	return fmt.Sprintf("load: %s: online %d/%d, sent %d/%d, delivered %d, in flight %d, errors %d, elapsed %v, remaining %v",
		p.Stage, p.Online, p.Users, p.Sent, p.Scheduled, p.Delivered, p.InFlight, p.Errors, p.Elapsed.Round(time.Second), p.Remaining.Round(time.Second))
}

// Close finishes the bars.
func (d *Display) Close() {
	if d.bar != nil {
		d.bar.SetTotal(-1, true)
		d.p.Wait()
	}
}
