package enginebench

import (
	"context"
	"sync"
)

// maxGroup bounds how many requests one group commit takes, so that one
// transaction stays small enough to keep latency flat under a burst.
const maxGroup = 512

// A committer runs write operations of many goroutines in shared
// transactions: one goroutine takes the first waiting request, drains every
// other request already waiting (up to [maxGroup]) and hands them all to run,
// which executes them in one transaction and syncs once. While that sync
// runs, new requests queue up and form the next group, so the group size
// grows with the load and no request waits for a timer.
//
// T is the engine's transaction handle. An operation that fails makes the
// whole group fail: run reports the error to every request of the group, as
// the operations only fail on I/O errors, after which the store is unusable.
type committer[T any] struct {
	run  func(ops []func(T) error) error
	reqs chan *commitRequest[T]
	stop chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

type commitRequest[T any] struct {
	op   func(T) error
	done chan error
}

func newCommitter[T any](run func(ops []func(T) error) error) *committer[T] {
	c := &committer[T]{run: run, reqs: make(chan *commitRequest[T], maxGroup), stop: make(chan struct{})}
	c.wg.Add(1)
	go c.loop()
	return c
}

// do runs op in the next group transaction and waits until it is durable.
func (c *committer[T]) do(ctx context.Context, op func(T) error) error {
	req := &commitRequest[T]{op: op, done: make(chan error, 1)}
	select {
	case c.reqs <- req:
	case <-c.stop:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued the request is committed or failed; wait for the answer
	// even if ctx ends, so the caller never reports a write that happens.
	return <-req.done
}

func (c *committer[T]) loop() {
	defer c.wg.Done()
	group := make([]*commitRequest[T], 0, maxGroup)
	ops := make([]func(T) error, 0, maxGroup)
	for {
		select {
		case req := <-c.reqs:
			group = append(group[:0], req)
		case <-c.stop:
			c.drainAfterStop()
			return
		}
		group = c.fill(group)
		ops = ops[:0]
		for _, r := range group {
			ops = append(ops, r.op)
		}
		err := c.run(ops)
		for _, r := range group {
			r.done <- err
		}
	}
}

// fill adds every request already waiting, up to maxGroup.
func (c *committer[T]) fill(group []*commitRequest[T]) []*commitRequest[T] {
	for len(group) < maxGroup {
		select {
		case req := <-c.reqs:
			group = append(group, req)
		default:
			return group
		}
	}
	return group
}

// drainAfterStop commits requests that were queued before close.
func (c *committer[T]) drainAfterStop() {
	for {
		group := c.fill(nil)
		if len(group) == 0 {
			return
		}
		ops := make([]func(T) error, len(group))
		for i, r := range group {
			ops[i] = r.op
		}
		err := c.run(ops)
		for _, r := range group {
			r.done <- err
		}
	}
}

// close stops the loop after the queued requests are committed.
func (c *committer[T]) close() {
	c.once.Do(func() { close(c.stop) })
	c.wg.Wait()
}
