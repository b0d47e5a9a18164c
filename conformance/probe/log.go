package probe

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/emsg-project/emsg/reports/results"
)

// maxLoggedBody bounds how much of a body or frame one log entry keeps.
const maxLoggedBody = 4 << 10

// Violation is a departure from spec/ that the probe saw in what the
// server sent: which part of the spec it breaks and how.
type Violation struct {
	Where  string // e.g. "POST http://a.test/emsg/v1/messages → 202", "frame from a.test"
	Detail string // the validator's message
}

func (v Violation) String() string { return v.Where + ": " + v.Detail }

// Log is the wire log of one spec: every exchange and frame, in order.
// It is safe for concurrent use (a stream's reader appends to it).
type Log struct {
	mu         sync.Mutex
	entries    []results.WireEntry
	violations []Violation
}

// NewLog returns an empty log.
func NewLog() *Log { return &Log{} }

// add appends one entry, and its violation if it has one.
func (l *Log) add(e results.WireEntry) {
	if l == nil {
		return
	}
	e.Request, e.Response = truncate(e.Request), truncate(e.Response)
	if e.At.IsZero() {
		e.At = time.Now()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, e)
	if e.Violation != "" {
		l.violations = append(l.violations, Violation{Where: e.Summary, Detail: e.Violation})
	}
}

// Entries returns a copy of the entries so far.
func (l *Log) Entries() []results.WireEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.entries)
}

// Violations returns a copy of the violations so far.
func (l *Log) Violations() []Violation {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.violations)
}

func truncate(s string) string {
	if len(s) <= maxLoggedBody {
		return s
	}
	return s[:maxLoggedBody] + fmt.Sprintf("… (%d bytes)", len(s))
}
