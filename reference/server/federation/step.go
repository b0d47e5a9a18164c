package federation

import (
	"context"
	"fmt"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// step makes one attempt on the queue of dest. It reports idle when the
// queue is empty, or how long to wait when its head is backing off;
// otherwise it sent one transaction (answered or to be retried) and the
// lane goes on at once.
func (o *Outbox) step(ctx context.Context, dest string) (wait time.Duration, idle bool, err error) {
	now := o.deps.Millis()
	head, err := o.peek(dest, 1)
	switch {
	case err != nil:
		return 0, false, err
	case len(head) == 0:
		return 0, true, nil
	case expired(head[0], now):
		return 0, false, o.expire(ctx)
	case head[0].NextAttempt > now:
		return time.Duration(head[0].NextAttempt-now) * time.Millisecond, false, nil
	}
	limit, err := o.limit(ctx, dest)
	if err != nil {
		return 0, false, o.retry(ctx, head[0], 0, now)
	}
	items, err := o.peek(dest, limit)
	if err != nil {
		return 0, false, err
	}
	for _, it := range items {
		if expired(it, now) {
			return 0, false, o.expire(ctx) // never send an expired item
		}
	}
	out := o.send(ctx, dest, items)
	if out.retry {
		return 0, false, o.retry(ctx, items[0], out.retryAfter, now)
	}
	return 0, false, o.answered(ctx, dest, items, out.results)
}

// expired reports whether it is past its expiry at now.
func expired(it store.QueueItem, now wire.Millis) bool {
	return it.Expires != 0 && it.Expires <= now
}

// peek returns up to n items from the head of the queue of dest.
func (o *Outbox) peek(dest string, n int) ([]store.QueueItem, error) {
	var items []store.QueueItem
	err := o.st.View(func(tx *store.Tx) error {
		var err error
		items, err = tx.Peek(dest, n)
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
// after the backoff, or after retryAfter if longer. An item that left the
// queue meanwhile (expired) is not an error.
func (o *Outbox) retry(ctx context.Context, head store.QueueItem, retryAfter time.Duration, now wire.Millis) error {
	wait, err := o.backoff(head.Attempts, retryAfter)
	if err != nil {
		return err
	}
	next := now + wire.Millis(wait.Milliseconds())
	err = o.st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.Retry(head.Dest, head.ID, next); err != nil && !isNotFound(err) {
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("retry %s %d: %w", head.Dest, head.ID, err)
	}
	return nil
}
