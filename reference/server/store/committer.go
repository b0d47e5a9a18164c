package store

import (
	"context"
	"errors"
	"fmt"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// maxGroup bounds how many requests one group commit takes, so that one
// transaction stays small enough to keep latency flat under a burst.
const maxGroup = 512

// A committer runs the write operations of many goroutines in shared
// transactions: one goroutine takes the first waiting request, drains every
// other request already waiting (up to [maxGroup]) and hands them all to
// run, which executes them in one transaction and syncs once. While that
// sync runs, new requests queue up and form the next group, so the group
// size grows with the load and no request waits for a timer. (Adopted from
// enginebench, where this beat bbolt's timer-based DB.Batch.)
type committer struct {
	run     func(group []*request)
	reqs    chan *request
	senders sync.WaitGroup // Update calls between the closed check and their send
	done    sync.WaitGroup // the loop
}

// request is one Update waiting for its answer.
type request struct {
	op     func(*Tx) error
	answer chan error // buffered, receives exactly one value
	err    error      // the op's own error, set while the group runs
}

func newCommitter(run func(group []*request)) *committer {
	c := &committer{run: run, reqs: make(chan *request, maxGroup)}
	c.done.Add(1)
	go c.loop()
	return c
}

// do queues op and waits for its answer. The caller has done senders.Add(1).
func (c *committer) do(ctx context.Context, op func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		c.senders.Done()
		return err
	}
	req := &request{op: op, answer: make(chan error, 1)}
	select {
	case c.reqs <- req:
		c.senders.Done()
	case <-ctx.Done():
		c.senders.Done()
		return ctx.Err()
	}
	return <-req.answer
}

// loop forms groups until reqs is closed and empty.
func (c *committer) loop() {
	defer c.done.Done()
	for req := range c.reqs {
		group := c.fill([]*request{req})
		c.run(group)
	}
}

// fill adds every request already waiting, up to maxGroup.
func (c *committer) fill(group []*request) []*request {
	for len(group) < maxGroup {
		select {
		case req, ok := <-c.reqs:
			if !ok {
				return group
			}
			group = append(group, req)
		default:
			return group
		}
	}
	return group
}

// close waits for the senders that passed the closed check, then lets the
// loop commit what is queued and stop. The Store has set closed first, so
// no new sender arrives.
func (c *committer) close() {
	c.senders.Wait()
	close(c.reqs)
	c.done.Wait()
}

// errPanicked is the error of an operation that panicked.
var errPanicked = errors.New("store: operation panicked")

// errRollback aborts a group's transaction after an operation failed
// having written something.
var errRollback = errors.New("store: operation failed after writing")

// runAtomically commits group in one transaction of db with per-operation
// atomicity, then answers every request.
//
// Every operation runs in order. One that fails without having written
// anything (the common refusal: check, then write) is simply answered with
// its error and the others go on in the same transaction. One that fails
// after writing (or panics) poisons the transaction: it is rolled back, the
// failed request is set aside with its error, and the group runs again
// without it — as bbolt's own DB.Batch does. Answers go out only after the
// commit, so no goroutine acts on state that then failed to commit; if the
// commit itself fails, every request gets that error.
func runAtomically(db *bolt.DB, group []*request) {
	pending := group
	var commitErr error
	for {
		failed := -1
		commitErr = db.Update(func(btx *bolt.Tx) error {
			tx := &Tx{tx: btx}
			for i, r := range pending {
				before := tx.writes
				r.err = runOp(r.op, tx)
				if r.err != nil && tx.writes != before {
					failed = i
					return errRollback
				}
			}
			return nil
		})
		if failed < 0 {
			break
		}
		pending = append(pending[:failed:failed], pending[failed+1:]...)
	}
	for _, r := range group {
		switch {
		case commitErr != nil:
			r.answer <- fmt.Errorf("store commit: %w", commitErr)
		default:
			r.answer <- r.err
		}
	}
}

// runOp runs op, turning a panic into an error (counted as a write, so the
// transaction is rolled back): one broken operation must not stop the
// committer that every writer depends on.
func runOp(op func(*Tx) error, tx *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			tx.writes++
			err = fmt.Errorf("%w: %v", errPanicked, p)
		}
	}()
	return op(tx)
}
