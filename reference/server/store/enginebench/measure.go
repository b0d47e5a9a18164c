package enginebench

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Latency summarises a set of operation durations.
type Latency struct {
	N   int
	P50 time.Duration
	P99 time.Duration
}

func summarise(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration { return ds[min(len(ds)-1, int(q*float64(len(ds))))] }
	return Latency{N: len(ds), P50: at(0.50), P99: at(0.99)}
}

// AcceptRun is the outcome of [MeasureAccept].
type AcceptRun struct {
	Writers    int
	Deliveries int
	Elapsed    time.Duration
	Latency    Latency
	// CPU is the process's user+system CPU time during the run.
	CPU time.Duration
}

// PerSecond is the durable accept throughput in deliveries per second.
func (r AcceptRun) PerSecond() float64 { return float64(r.Deliveries) / r.Elapsed.Seconds() }

// MeasureAccept runs writers goroutines that each call Accept with batches
// of batchSize deliveries until dur has passed or maxDeliveries were
// accepted in total. Writer numbers start at firstWriter so that runs on one
// store never repeat a delivery.
func MeasureAccept(ctx context.Context, s Store, firstWriter, writers, batchSize, maxDeliveries int, dur time.Duration) (AcceptRun, error) {
	var (
		total    atomic.Int64
		mu       sync.Mutex
		all      []time.Duration
		firstErr error
		wg       sync.WaitGroup
	)
	deadline := time.Now().Add(dur)
	start, cpu0 := time.Now(), cpuTime()
	for w := range writers {
		wg.Go(func() {
			lat, err := acceptLoop(ctx, s, firstWriter+w, batchSize, maxDeliveries, deadline, &total)
			mu.Lock()
			defer mu.Unlock()
			all = append(all, lat...)
			if err != nil && firstErr == nil {
				firstErr = err
			}
		})
	}
	wg.Wait()
	run := AcceptRun{Writers: writers, Deliveries: int(total.Load()), Elapsed: time.Since(start),
		Latency: summarise(all), CPU: cpuTime() - cpu0}
	return run, firstErr
}

// acceptLoop is one writer of [MeasureAccept].
func acceptLoop(ctx context.Context, s Store, w, batchSize, maxDeliveries int, deadline time.Time, total *atomic.Int64) ([]time.Duration, error) {
	var lat []time.Duration
	batch := make([]Delivery, batchSize)
	for n := 0; time.Now().Before(deadline); n += batchSize {
		if total.Add(int64(batchSize)) > int64(maxDeliveries) {
			total.Add(-int64(batchSize))
			return lat, nil
		}
		for i := range batch {
			batch[i] = MakeDelivery(w, n+i)
		}
		t0 := time.Now()
		if _, err := s.Accept(ctx, batch); err != nil {
			return lat, fmt.Errorf("writer %d: %w", w, err)
		}
		lat = append(lat, time.Since(t0))
	}
	return lat, nil
}

// StreamRun is the outcome of [MeasureAckRead]: the cost of a stream resume
// (Read of up to 100 events) and of the acknowledgement that follows.
type StreamRun struct {
	Events int
	Read   Latency
	Ack    Latency
}

// MeasureAckRead reads and then acknowledges every event of every workload
// account, 100 at a time, from `clients` concurrent clients.
func MeasureAckRead(ctx context.Context, s Store, clients int) (StreamRun, error) {
	accounts := AllAccounts()
	var (
		mu        sync.Mutex
		run       StreamRun
		reads     []time.Duration
		acks      []time.Duration
		firstErr  error
		wg        sync.WaitGroup
		nextIndex atomic.Int64
	)
	for range clients {
		wg.Go(func() {
			for i := int(nextIndex.Add(1)) - 1; i < len(accounts); i = int(nextIndex.Add(1)) - 1 {
				r, a, n, err := drainAccount(ctx, s, accounts[i])
				mu.Lock()
				reads, acks, run.Events = append(reads, r...), append(acks, a...), run.Events+n
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	run.Read, run.Ack = summarise(reads), summarise(acks)
	return run, firstErr
}

func drainAccount(ctx context.Context, s Store, account string) (reads, acks []time.Duration, n int, err error) {
	var after uint64
	for {
		t0 := time.Now()
		evs, err := s.Read(ctx, account, after, 100)
		reads = append(reads, time.Since(t0))
		if err != nil || len(evs) == 0 {
			return reads, acks, n, err
		}
		n += len(evs)
		after = evs[len(evs)-1].Seq
		t0 = time.Now()
		if err := s.Ack(ctx, account, after); err != nil {
			return reads, acks, n, err
		}
		acks = append(acks, time.Since(t0))
	}
}

// QueueRun is the outcome of [MeasureDrain]: Dequeue and Done of
// transactions of up to 100 items, one sender per destination.
type QueueRun struct {
	Items   int
	Elapsed time.Duration
	Dequeue Latency
	Done    Latency
}

// MeasureDrain empties every workload queue as federation senders do: one
// goroutine per destination, Dequeue 100, then Done for them.
func MeasureDrain(ctx context.Context, s Store) (QueueRun, error) {
	var (
		mu       sync.Mutex
		run      QueueRun
		deq, dn  []time.Duration
		firstErr error
		wg       sync.WaitGroup
	)
	start := time.Now()
	for _, dest := range AllDestinations() {
		wg.Go(func() {
			d1, d2, n, err := drainQueue(ctx, s, dest)
			mu.Lock()
			defer mu.Unlock()
			deq, dn, run.Items = append(deq, d1...), append(dn, d2...), run.Items+n
			if err != nil && firstErr == nil {
				firstErr = err
			}
		})
	}
	wg.Wait()
	run.Elapsed = time.Since(start)
	run.Dequeue, run.Done = summarise(deq), summarise(dn)
	return run, firstErr
}

func drainQueue(ctx context.Context, s Store, dest string) (deq, done []time.Duration, n int, err error) {
	for {
		t0 := time.Now()
		items, err := s.Dequeue(ctx, dest, 100)
		deq = append(deq, time.Since(t0))
		if err != nil || len(items) == 0 {
			return deq, done, n, err
		}
		ids := make([]QueueID, len(items))
		for i, it := range items {
			ids[i] = it.ID
		}
		t0 = time.Now()
		if err := s.Done(ctx, ids); err != nil {
			return deq, done, n, err
		}
		done = append(done, time.Since(t0))
		n += len(items)
	}
}

// cpuTime returns the user+system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// MeasurePaced offers single-delivery accepts at a fixed rate (open loop)
// for dur, at most inflight at a time, and measures each latency from the
// moment it was due, so a stall counts against every accept it delays.
// Writer numbers start at firstWriter.
func MeasurePaced(ctx context.Context, s Store, firstWriter, rate, inflight int, dur time.Duration) (AcceptRun, error) {
	var (
		mu       sync.Mutex
		all      []time.Duration
		firstErr error
		wg       sync.WaitGroup
	)
	slots := make(chan struct{}, inflight)
	interval := time.Second / time.Duration(rate)
	start, cpu0 := time.Now(), cpuTime()
	n := 0
	for due := start; due.Sub(start) < dur; due = due.Add(interval) {
		time.Sleep(time.Until(due))
		slots <- struct{}{}
		k := n
		wg.Go(func() {
			defer func() { <-slots }()
			_, err := s.Accept(ctx, []Delivery{MakeDelivery(firstWriter+k%1000, k/1000)})
			lat := time.Since(due)
			mu.Lock()
			defer mu.Unlock()
			all = append(all, lat)
			if err != nil && firstErr == nil {
				firstErr = err
			}
		})
		n++
	}
	wg.Wait()
	return AcceptRun{Writers: inflight, Deliveries: n, Elapsed: time.Since(start), Latency: summarise(all), CPU: cpuTime() - cpu0}, firstErr
}
