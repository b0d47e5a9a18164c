package ratelimit

import (
	"strconv"
	"testing"
	"time"
)

// BenchmarkAllow is the cost a limit adds to a request: one bucket of
// many, under the lock.
func BenchmarkAllow(b *testing.B) {
	l := New("things", 1<<30, time.Now)
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = "k" + strconv.Itoa(i)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			_ = l.Allow(keys[i%len(keys)])
			i++
		}
	})
}
