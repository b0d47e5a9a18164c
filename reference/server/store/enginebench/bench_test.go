package enginebench

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
)

// BenchmarkAccept measures durable single-delivery accepts of every engine
// at several concurrency levels (b.SetParallelism × GOMAXPROCS writers).
// ns/op is the time per delivery with that many writers sharing fsyncs.
//
//	go test -run '^$' -bench Accept -benchtime 2000x
func BenchmarkAccept(b *testing.B) {
	for _, e := range Engines() {
		for _, par := range []int{1, 8, 32, 128} {
			b.Run(fmt.Sprintf("%s/par=%d", e.Name, par), func(b *testing.B) {
				s, err := e.Open(b.TempDir())
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				var writer atomic.Int64
				b.SetParallelism(par)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					w := int(writer.Add(1))
					for n := 0; pb.Next(); n++ {
						if _, err := s.Accept(context.Background(), []Delivery{MakeDelivery(w, n)}); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}

// BenchmarkReadAck measures a stream resume: Read of 100 events and the Ack
// that follows, on an account with 100 pending events.
func BenchmarkReadAck(b *testing.B) {
	for _, e := range Engines() {
		b.Run(e.Name, func(b *testing.B) {
			s, err := e.Open(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			batch := make([]Delivery, 100)
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				for k := range batch {
					batch[k] = Delivery{From: "a#a.test", ID: fmt.Sprint(i, "-", k), To: "bob#b.test", Body: ciphertext(uint64(i), uint64(k), BodySize)}
				}
				if _, err := s.Accept(ctx, batch); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				evs, err := s.Read(ctx, "bob#b.test", 0, 100)
				if err != nil || len(evs) != 100 {
					b.Fatalf("read: %d events, %v", len(evs), err)
				}
				if err := s.Ack(ctx, "bob#b.test", evs[99].Seq); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkQueue measures one federation transaction's queue work: Dequeue
// of 100 items and Done for them.
func BenchmarkQueue(b *testing.B) {
	for _, e := range Engines() {
		b.Run(e.Name, func(b *testing.B) {
			s, err := e.Open(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			batch := make([]Delivery, 100)
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				for k := range batch {
					batch[k] = Delivery{From: "a#a.test", ID: fmt.Sprint(i, "-", k), To: "bob#b.test", Destination: "b.test", Body: ciphertext(uint64(i), uint64(k), BodySize)}
				}
				if _, err := s.Accept(ctx, batch); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				items, err := s.Dequeue(ctx, "b.test", 100)
				if err != nil || len(items) != 100 {
					b.Fatalf("dequeue: %d items, %v", len(items), err)
				}
				ids := make([]QueueID, len(items))
				for k, it := range items {
					ids[k] = it.ID
				}
				if err := s.Done(ctx, ids); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
