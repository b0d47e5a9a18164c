package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkAppendEvent measures durable appends of a 1 KiB event with its
// idempotency key (the hot path of a delivery) by 1, 16 and 64 goroutines
// sharing group commits; ns/op is per append.
func BenchmarkAppendEvent(b *testing.B) {
	event := make([]byte, 1024)
	rand.Read(event)
	for _, writers := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			s, _ := openTest(b)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.SetBytes(int64(len(event)))
			b.ResetTimer()
			for w := range writers {
				wg.Go(func() {
					addr := fmt.Sprintf("u%d#bench.test", w%100)
					for n := next.Add(1); n <= int64(b.N); n = next.Add(1) {
						id := fmt.Sprintf("id-%d", n)
						err := s.Update(context.Background(), func(tx *Tx) error {
							if _, ok, err := tx.Seen(addr, id); err != nil || ok {
								return err
							}
							seq, err := tx.AppendEvent(addr, event, 0)
							if err != nil {
								return err
							}
							return tx.Remember(addr, id, encodeUint(seq), 0)
						})
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
		})
	}
}
