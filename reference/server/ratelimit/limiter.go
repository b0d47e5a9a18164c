package ratelimit

import (
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// maxKeys is how many buckets a Limiter keeps before it forgets the full
// ones (clients idle for at least a minute): memory stays bounded by the
// clients that are actually busy.
const maxKeys = 8192

// Limiter is a token bucket per key. Build it with [New]; it is safe for
// concurrent use, and a nil *Limiter allows everything.
type Limiter struct {
	what      string           // the action, for the refusal's message ("logins")
	now       func() time.Time // the clock (wire.Deps.Now)
	perMinute atomic.Int64     // 0: no limit

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// New returns a limiter of perMinute requests per minute and key for the
// action what (a plural noun for messages: "registrations"). now is the
// clock; perMinute 0 allows everything.
func New(what string, perMinute int, now func() time.Time) *Limiter {
	l := &Limiter{what: what, now: now, buckets: map[string]*rate.Limiter{}}
	l.perMinute.Store(int64(perMinute))
	return l
}

// PerMinute is the limit in force (0: none).
func (l *Limiter) PerMinute() int {
	if l == nil {
		return 0
	}
	return int(l.perMinute.Load())
}

// SetPerMinute changes the limit for every key from now on (the admin
// policy); buckets start again full.
func (l *Limiter) SetPerMinute(n int) {
	if l == nil || int64(n) == l.perMinute.Load() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.perMinute.Store(int64(n))
	clear(l.buckets)
}

// Allow takes one token from key's bucket, or returns the rate_limited
// answer, with the whole seconds to wait, without taking one.
func (l *Limiter) Allow(key string) error {
	if l == nil {
		return nil
	}
	n := l.perMinute.Load()
	if n <= 0 {
		return nil
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key, n, now)
	r := b.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	if wait == 0 {
		return nil
	}
	r.CancelAt(now) // a refusal spends nothing
	secs := max(1, int(math.Ceil(wait.Seconds())))
	return &httpapi.Error{
		Code:       "rate_limited",
		Message:    "too many " + l.what + "; retry after the wait in retry_after",
		RetryAfter: secs,
	}
}

// bucket returns key's bucket, creating it full; called under l.mu.
func (l *Limiter) bucket(key string, perMinute int64, now time.Time) *rate.Limiter {
	if b, ok := l.buckets[key]; ok {
		return b
	}
	if len(l.buckets) >= maxKeys {
		l.forgetFull(now)
	}
	b := rate.NewLimiter(rate.Limit(float64(perMinute)/60), int(min(perMinute, math.MaxInt32)))
	l.buckets[key] = b
	return b
}

// forgetFull drops the buckets that are full again: a new bucket for
// their key would be the same.
func (l *Limiter) forgetFull(now time.Time) {
	for k, b := range l.buckets {
		if b.TokensAt(now) >= float64(b.Burst()) {
			delete(l.buckets, k)
		}
	}
}
