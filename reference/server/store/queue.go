package store

import (
	"bytes"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// QueueItem is one item of a destination's federation queue.
type QueueItem struct {
	// Dest is the destination domain.
	Dest string `json:"-"`
	// ID numbers the destination's items in FIFO order; never reused.
	ID uint64 `json:"-"`
	// Data is the item as the caller encoded it (a federation item).
	Data []byte `json:"data"`
	// Expires is when the item leaves the queue unanswered (0: never).
	Expires wire.Millis `json:"expires,omitempty"`
	// Attempts counts the failed sends recorded by [Tx.Retry].
	Attempts int `json:"attempts,omitempty"`
	// NextAttempt is the earliest time to send again (0: now).
	NextAttempt wire.Millis `json:"next_attempt,omitempty"`
}

// Enqueue appends item to the queue of dest and returns its id.
func (t *Tx) Enqueue(dest string, item []byte, expires wire.Millis) (uint64, error) {
	if err := checkName("enqueue: destination", dest); err != nil {
		return 0, err
	}
	id := decodeUint(t.tx.Bucket(bucketQueueIDs).Get([]byte(dest))) + 1
	key := seqKey(dest, id)
	if err := t.put(bucketQueue, key, encodeQueueItem(QueueItem{Data: item, Expires: expires})); err != nil {
		return 0, fmt.Errorf("enqueue for %s: %w", dest, err)
	}
	if err := t.put(bucketQueueIDs, []byte(dest), encodeUint(id)); err != nil {
		return 0, fmt.Errorf("enqueue for %s: %w", dest, err)
	}
	if err := t.indexExpiry(expiryQueue, key, expires); err != nil {
		return 0, fmt.Errorf("enqueue for %s: %w", dest, err)
	}
	return id, nil
}

// Peek returns up to n items from the head of the queue of dest, in order,
// without removing them.
func (t *Tx) Peek(dest string, n int) ([]QueueItem, error) {
	return t.PeekAfter(dest, 0, n)
}

// PeekAfter returns up to n items of the queue of dest whose id is above
// after, in order, without removing them: the outbox skips the items whose
// answer it is still committing (ids start at 1, so after 0 is the head).
func (t *Tx) PeekAfter(dest string, after uint64, n int) ([]QueueItem, error) {
	if err := checkName("peek: destination", dest); err != nil {
		return nil, err
	}
	var out []QueueItem
	prefix := prefixOf(dest)
	c := t.cursor(bucketQueue)
	for k, v := c.Seek(seqKey(dest, after+1)); k != nil && len(out) < n && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		it, err := decodeQueueItem(k, v)
		if err != nil {
			return nil, fmt.Errorf("peek %s: %w", dest, err)
		}
		out = append(out, it)
	}
	return out, nil
}

// Done removes the answered items ids of dest. Ids no longer queued (an
// expired item, a repeated Done) are skipped.
func (t *Tx) Done(dest string, ids []uint64) error {
	if err := checkName("done: destination", dest); err != nil {
		return err
	}
	for _, id := range ids {
		key := seqKey(dest, id)
		if !t.has(bucketQueue, key) {
			continue
		}
		if err := t.del(bucketQueue, key); err != nil {
			return fmt.Errorf("done %s %d: %w", dest, id, err)
		}
	}
	return nil
}

// Retry records a failed send of item id of dest: one more attempt, and no
// new attempt before next. An id no longer queued is [ErrNotFound].
func (t *Tx) Retry(dest string, id uint64, next wire.Millis) error {
	return t.reschedule("retry", dest, id, next, 1)
}

// Postpone sets the next attempt of item id of dest to next without
// counting an attempt (the destination asked for that wait). An id no
// longer queued is [ErrNotFound].
func (t *Tx) Postpone(dest string, id uint64, next wire.Millis) error {
	return t.reschedule("postpone", dest, id, next, 0)
}

// reschedule adds attempts to item id of dest and sets its next attempt.
func (t *Tx) reschedule(op, dest string, id uint64, next wire.Millis, attempts int) error {
	if err := checkName(op+": destination", dest); err != nil {
		return err
	}
	key := seqKey(dest, id)
	v := t.tx.Bucket(bucketQueue).Get(key)
	if v == nil {
		return fmt.Errorf("%s %s %d: %w", op, dest, id, ErrNotFound)
	}
	it, err := decodeQueueRecord(v)
	if err != nil {
		return fmt.Errorf("%s %s %d: %w", op, dest, id, err)
	}
	it.Attempts += attempts
	it.NextAttempt = next
	if err := t.put(bucketQueue, key, encodeQueueItem(it)); err != nil {
		return fmt.Errorf("%s %s %d: %w", op, dest, id, err)
	}
	return nil
}

// Destinations returns the destinations whose queue is not empty, in byte
// order. It visits one key per destination.
func (t *Tx) Destinations() ([]string, error) {
	var out []string
	c := t.cursor(bucketQueue)
	for k, _ := c.First(); k != nil; {
		d := nameOf(k)
		if d == "" {
			return nil, fmt.Errorf("destinations: malformed key %q", k)
		}
		out = append(out, d)
		k, _ = c.Seek(append([]byte(d), sep+1))
	}
	return out, nil
}

// ExpireQueue removes up to limit items whose expiry is at or before now
// and returns them, oldest expiry first, so the caller can send "expired"
// receipts; more reports that expired items remain.
func (t *Tx) ExpireQueue(now wire.Millis, limit int) (removed []QueueItem, more bool, err error) {
	more, err = t.sweep(expiryQueue, now, limit, func(pk []byte, _ wire.Millis) error {
		v := t.tx.Bucket(bucketQueue).Get(pk)
		if v == nil {
			return nil // answered before it expired
		}
		it, err := decodeQueueItem(pk, v)
		if err != nil {
			return err
		}
		removed = append(removed, it)
		return t.del(bucketQueue, bytes.Clone(pk))
	})
	if err != nil {
		return nil, false, fmt.Errorf("expire queue: %w", err)
	}
	return removed, more, nil
}

func decodeQueueItem(k, v []byte) (QueueItem, error) {
	it, err := decodeQueueRecord(v)
	if err != nil {
		return QueueItem{}, err
	}
	it.Dest, it.ID = nameOf(k), seqOf(k)
	return it, nil
}
