package ratelimit

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newClock() *clock { return &clock{t: time.UnixMilli(1_700_000_000_000)} }

// retryAfter returns the seconds of a rate_limited error, or fails.
func retryAfter(t *testing.T, err error) int {
	t.Helper()
	var e *httpapi.Error
	if !errors.As(err, &e) || e.Code != "rate_limited" || e.RetryAfter < 1 {
		t.Fatalf("got %v, want rate_limited with retry_after >= 1", err)
	}
	return e.RetryAfter
}

func TestLimiterAllowsAMinutesWorthThenRefills(t *testing.T) {
	c := newClock()
	l := New("things", 60, c.now) // one per second, a bucket of 60
	for i := range 60 {
		if err := l.Allow("k"); err != nil {
			t.Fatalf("request %d of the first minute: %v", i, err)
		}
	}
	if got := retryAfter(t, l.Allow("k")); got != 1 {
		t.Errorf("retry_after %d, want 1 (one token a second)", got)
	}
	if err := l.Allow("other"); err != nil {
		t.Errorf("another key shares the bucket: %v", err)
	}
	// A refusal spends nothing: one second later exactly one request passes.
	c.add(time.Second)
	if err := l.Allow("k"); err != nil {
		t.Errorf("after the wait: %v", err)
	}
	retryAfter(t, l.Allow("k"))
}

func TestLimiterRetryAfterRoundsUp(t *testing.T) {
	c := newClock()
	l := New("things", 1, c.now) // one a minute
	if err := l.Allow("k"); err != nil {
		t.Fatal(err)
	}
	if got := retryAfter(t, l.Allow("k")); got != 60 {
		t.Errorf("retry_after %d, want 60", got)
	}
	c.add(59*time.Second + 500*time.Millisecond)
	if got := retryAfter(t, l.Allow("k")); got != 1 {
		t.Errorf("half a second left: retry_after %d, want 1 (never 0)", got)
	}
}

func TestLimiterOff(t *testing.T) {
	c := newClock()
	for _, tc := range []struct {
		name string
		l    *Limiter
	}{
		{"a nil limiter allows everything", nil},
		{"a limit of 0 allows everything", New("things", 0, c.now)},
	} {
		for range 1000 {
			if err := tc.l.Allow("k"); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
		}
	}
}

func TestSetPerMinuteAppliesAtOnce(t *testing.T) {
	c := newClock()
	l := New("things", 1, c.now)
	_ = l.Allow("k")
	retryAfter(t, l.Allow("k"))
	l.SetPerMinute(2)
	if l.PerMinute() != 2 {
		t.Fatalf("PerMinute %d, want 2", l.PerMinute())
	}
	for i := range 2 {
		if err := l.Allow("k"); err != nil {
			t.Fatalf("request %d under the new limit: %v", i, err)
		}
	}
	retryAfter(t, l.Allow("k"))
}

func TestLimiterForgetsIdleKeys(t *testing.T) {
	c := newClock()
	l := New("things", 60, c.now)
	for i := range maxKeys {
		_ = l.Allow(strconv.Itoa(i))
	}
	c.add(2 * time.Second) // every bucket is full again
	_ = l.Allow("new")
	l.mu.Lock()
	n := len(l.buckets)
	l.mu.Unlock()
	if n != 1 {
		t.Errorf("%d buckets kept, want 1: full buckets are forgotten", n)
	}
}

func TestGuard(t *testing.T) {
	c := newClock()
	l := New("logins", 1, c.now)
	calls := 0
	h := Guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls++ }),
		Rule{Method: http.MethodPost, Path: "/login", Limiter: l, Key: ClientAddress})
	do := func(method, path, remote string) *http.Response {
		req := httptest.NewRequest(method, path, nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Result()
	}
	for _, tc := range []struct {
		name                 string
		method, path, remote string
		want                 int
		wantRetry            string
	}{
		// The first login of an address passes.
		{"first", http.MethodPost, "/login", "10.0.0.1:5000", 200, ""},
		// The second from the same address, another port, is refused.
		{"same address", http.MethodPost, "/login", "10.0.0.1:5001", 429, "60"},
		// Another address has its own bucket.
		{"other address", http.MethodPost, "/login", "10.0.0.2:5000", 200, ""},
		// Other paths and methods are not counted.
		{"other path", http.MethodPost, "/register", "10.0.0.1:5000", 200, ""},
		{"other method", http.MethodGet, "/login", "10.0.0.1:5000", 200, ""},
	} {
		resp := do(tc.method, tc.path, tc.remote)
		if resp.StatusCode != tc.want || resp.Header.Get("Retry-After") != tc.wantRetry {
			t.Errorf("%s: got %d Retry-After %q, want %d %q", tc.name, resp.StatusCode, resp.Header.Get("Retry-After"), tc.want, tc.wantRetry)
		}
	}
	if calls != 4 {
		t.Errorf("the handler ran %d times, want 4: a refused request must not reach it", calls)
	}
}
