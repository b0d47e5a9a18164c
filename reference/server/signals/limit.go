package signals

import (
	"math"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// The default per-account budget: a burst of 20 signals, refilled at 5
// per second — far above what a person typing and coming and going makes.
const (
	DefaultRate  rate.Limit = 5
	DefaultBurst int        = 20
)

// maxLimiters bounds the accounts tracked; beyond it the table restarts
// (a fresh budget for everyone is harmless, unbounded memory is not).
const maxLimiters = 100000

// limiter holds one token bucket per account (EPH-RATE-01).
type limiter struct {
	r     rate.Limit
	burst int
	deps  wire.Deps

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func newLimiter(r rate.Limit, burst int, deps wire.Deps) *limiter {
	return &limiter{r: r, burst: burst, deps: deps, buckets: map[string]*rate.Limiter{}}
}

// allow takes one token of who's bucket, or answers rate_limited with the
// wait in whole seconds (at least 1).
func (l *limiter) allow(who string) error {
	l.mu.Lock()
	b := l.buckets[who]
	if b == nil {
		if len(l.buckets) >= maxLimiters {
			l.buckets = map[string]*rate.Limiter{}
		}
		b = rate.NewLimiter(l.r, l.burst)
		l.buckets[who] = b
	}
	now := l.deps.Now()
	r := b.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	if wait > 0 {
		r.CancelAt(now)
	}
	l.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	secs := max(1, int(math.Ceil(wait.Seconds())))
	return &httpapi.Error{Code: "rate_limited", Message: "too many signals; wait " + (time.Duration(secs) * time.Second).String(), RetryAfter: secs}
}

func itoa(n int) string { return strconv.Itoa(n) }
