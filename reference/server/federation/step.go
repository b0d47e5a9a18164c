package federation

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// step makes one attempt on the queue of dest and waits until its effect
// is durable: [Outbox.advance] from the head, then [cursor.settle].
func (o *Outbox) step(ctx context.Context, dest string) (wait time.Duration, idle bool, err error) {
	var c cursor
	wait, idle, err = o.advance(ctx, dest, &c)
	if serr := c.settle(); err == nil {
		err = serr
	}
	return wait, idle, err
}

// cursor is a lane's place in its queue. The items up to after were
// answered by the destination; the store operation that takes them out of
// the queue ([Outbox.answered]) may still be running while the next
// transaction goes out, so that a transaction's round trip does not wait
// for the previous one's commit. Only the answer orders transactions
// (FED-QUEUE-02): the next one leaves after it, as before.
type cursor struct {
	after   uint64
	pending chan error // the answered operation in flight; nil when none
}

// settle waits for the answered operation in flight, if any. When it
// failed, the cursor goes back to the head: the items it did not remove
// are sent again, and the destination answers a replayed txn with its
// first answer (FED-TXN-04) and a repeated envelope as a duplicate
// (FED-TXN-05).
func (c *cursor) settle() error {
	if c.pending == nil {
		return nil
	}
	err := <-c.pending
	c.pending = nil
	if err != nil {
		c.after = 0
	}
	return err
}

// answer starts the answered operation of items in the background, after
// the previous one finished, and moves the cursor past them.
func (o *Outbox) answer(ctx context.Context, dest string, c *cursor, items []store.QueueItem, rs []Result) error {
	if err := c.settle(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- o.answered(ctx, dest, items, rs) }()
	c.after, c.pending = items[len(items)-1].ID, done
	return nil
}

// advance makes one attempt on the queue of dest past the cursor c. It
// reports idle when nothing is left to send and nothing is being
// committed, or how long to wait when the head is backing off; otherwise
// it sent one transaction (answered or to be retried) and the lane goes
// on at once. Expiry and retries look at durable state only, so they
// settle c first.
func (o *Outbox) advance(ctx context.Context, dest string, c *cursor) (wait time.Duration, idle bool, err error) {
	now := o.deps.Millis()
	head, err := o.peek(dest, c.after, 1)
	switch {
	case err != nil:
		return 0, false, err
	case len(head) == 0 && c.pending != nil:
		return 0, false, c.settle() // idle only once the removal is durable
	case len(head) == 0:
		return 0, true, nil
	case expired(head[0], now):
		return 0, false, o.settleThen(c, func() error { return o.expire(ctx) })
	case head[0].NextAttempt > now:
		return time.Duration(head[0].NextAttempt-now) * time.Millisecond, false, nil
	}
	limit, err := o.limit(ctx, dest)
	if err != nil {
		slog.Warn("federation destination's discovery document unavailable", "destination", dest, "err", err)
		return 0, false, o.settleThen(c, func() error { return o.retry(ctx, head[0], outcome{why: unreachable}, now) })
	}
	items, err := o.peek(dest, c.after, limit)
	if err != nil {
		return 0, false, err
	}
	for _, it := range items {
		if expired(it, now) { // never send an expired item
			return 0, false, o.settleThen(c, func() error { return o.expire(ctx) })
		}
	}
	out := o.send(ctx, dest, items)
	if out.retry {
		return 0, false, o.settleThen(c, func() error { return o.retry(ctx, items[0], out, now) })
	}
	return 0, false, o.answer(ctx, dest, c, items, out.results)
}

// settleThen settles c, then runs f.
func (o *Outbox) settleThen(c *cursor, f func() error) error {
	if err := c.settle(); err != nil {
		return err
	}
	return f()
}

// expired reports whether it is past its expiry at now.
func expired(it store.QueueItem, now wire.Millis) bool {
	return it.Expires != 0 && it.Expires <= now
}

// peek returns up to n items of the queue of dest whose id is above after.
func (o *Outbox) peek(dest string, after uint64, n int) ([]store.QueueItem, error) {
	var items []store.QueueItem
	err := o.st.View(func(tx *store.Tx) error {
		var err error
		items, err = tx.PeekAfter(dest, after, n)
		return err
	})
	return items, err
}

// limit is how many items one transaction to dest may hold: this server's
// own bound and the destination's discovery limits.max_txn_items
// (FED-QUEUE-07), whichever is smaller.
func (o *Outbox) limit(ctx context.Context, dest string) (int, error) {
	theirs, err := o.peers.MaxTxnItems(ctx, dest)
	if err != nil {
		return 0, err
	}
	return max(1, min(o.cfg.MaxTxnItems, theirs)), nil
}

// retry records a failed attempt on the head item: its next attempt comes
// after the backoff for out's failure ([Outbox.backoff]). A wait the
// destination asked for postpones the item without counting an attempt;
// other failures count one, which the next backoff doubles from. An item
// that left the queue meanwhile (expired) is not an error.
func (o *Outbox) retry(ctx context.Context, head store.QueueItem, out outcome, now wire.Millis) error {
	wait, err := o.backoff(head.Attempts, out.why, out.retryAfter)
	if err != nil {
		return err
	}
	next := now + wire.Millis(wait.Milliseconds())
	err = o.st.Update(ctx, func(tx *store.Tx) error {
		record := tx.Retry
		if out.why == asked {
			record = tx.Postpone
		}
		if err := record(head.Dest, head.ID, next); err != nil && !isNotFound(err) {
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("retry %s %d: %w", head.Dest, head.ID, err)
	}
	return nil
}
