package harness

import (
	"strings"
	"sync"
)

// maxLogLines bounds the lines a logBuffer keeps per domain.
const maxLogLines = 2000

// logBuffer keeps the last lines a server wrote, for the evidence of a
// failed spec. It is an io.Writer, safe for concurrent use.
type logBuffer struct {
	mu      sync.Mutex
	lines   []string
	partial string
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	text := b.partial + string(p)
	parts := strings.Split(text, "\n")
	b.partial = parts[len(parts)-1]
	b.lines = append(b.lines, parts[:len(parts)-1]...)
	if over := len(b.lines) - maxLogLines; over > 0 {
		b.lines = b.lines[over:]
	}
	return len(p), nil
}

// tail returns the last n lines.
func (b *logBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	from := max(0, len(b.lines)-n)
	return strings.Join(b.lines[from:], "\n")
}
