package enginebench

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// boltBucket holds every key of the layout in keys.go.
var boltBucket = []byte("emsg")

// BoltMode chooses how [BoltStore] shares fsyncs between writers.
type BoltMode int

const (
	// BoltCoalesce runs writes through a [committer]: one Update per group.
	BoltCoalesce BoltMode = iota
	// BoltBatch uses bbolt's own DB.Batch, which waits up to MaxBatchDelay
	// (10 ms by default) for a group to fill.
	BoltBatch
)

// BoltStore is the [Store] on go.etcd.io/bbolt: one file, a copy-on-write
// B+tree, one writer transaction at a time, fdatasync on every commit.
type BoltStore struct {
	db     *bolt.DB
	mode   BoltMode
	c      *committer[*bolt.Tx]
	closer onceCloser
}

var _ Store = (*BoltStore)(nil)

// OpenBolt opens (or creates) the store in dir.
func OpenBolt(dir string, mode BoltMode) (*BoltStore, error) {
	db, err := bolt.Open(filepath.Join(dir, "emsg.bolt"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("open bbolt: %w", err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(boltBucket)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("create bucket: %w", err)
	}
	s := &BoltStore{db: db, mode: mode}
	s.c = newCommitter(s.runGroup)
	return s, nil
}

func (s *BoltStore) runGroup(ops []func(*bolt.Tx) error) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, op := range ops {
			if err := op(tx); err != nil {
				return err
			}
		}
		return nil
	})
}

// write runs op durably in the mode's way.
func (s *BoltStore) write(ctx context.Context, op func(*bolt.Tx) error) error {
	if s.mode == BoltBatch {
		return s.db.Batch(op)
	}
	return s.c.do(ctx, op)
}

// boltTxn adapts a bbolt bucket to [kvTxn].
type boltTxn struct{ b *bolt.Bucket }

func (t boltTxn) get(key []byte) ([]byte, error) {
	v := t.b.Get(key)
	if v == nil {
		return nil, nil
	}
	return bytes.Clone(v), nil
}

func (t boltTxn) put(key, value []byte) error { return t.b.Put(key, value) }

// Accept implements [Store].
func (s *BoltStore) Accept(ctx context.Context, batch []Delivery) ([]Result, error) {
	out := make([]Result, len(batch))
	err := s.write(ctx, func(tx *bolt.Tx) error {
		return acceptKV(boltTxn{tx.Bucket(boltBucket)}, batch, out)
	})
	if err != nil {
		return nil, fmt.Errorf("bbolt accept: %w", err)
	}
	return out, nil
}

// Ack implements [Store].
func (s *BoltStore) Ack(ctx context.Context, account string, upToSeq uint64) error {
	err := s.write(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(boltBucket).Cursor()
		end := eventKey(account, upToSeq)
		for k, _ := c.Seek(eventKey(account, 0)); k != nil && bytes.Compare(k, end) <= 0; k, _ = c.Seek(eventKey(account, 0)) {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bbolt ack: %w", err)
	}
	return nil
}

// Read implements [Store].
func (s *BoltStore) Read(_ context.Context, account string, afterSeq uint64, limit int) ([]Event, error) {
	var out []Event
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := eventKey(account, 0)[:len(prefixEvent)+len(account)+1]
		c := tx.Bucket(boltBucket).Cursor()
		for k, v := c.Seek(eventKey(account, afterSeq+1)); k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, v = c.Next() {
			out = append(out, Event{Seq: seqOf(k), Body: bytes.Clone(v)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bbolt read: %w", err)
	}
	return out, nil
}

// Dequeue implements [Store].
func (s *BoltStore) Dequeue(_ context.Context, dest string, n int) ([]QueueItem, error) {
	var out []QueueItem
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := queueKey(dest, 0)[:len(prefixQueue)+len(dest)+1]
		c := tx.Bucket(boltBucket).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(out) < n; k, v = c.Next() {
			out = append(out, QueueItem{ID: QueueID{Dest: dest, Seq: seqOf(k)}, Body: bytes.Clone(v)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bbolt dequeue: %w", err)
	}
	return out, nil
}

// Done implements [Store].
func (s *BoltStore) Done(ctx context.Context, ids []QueueID) error {
	err := s.write(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(boltBucket)
		for _, id := range ids {
			if err := b.Delete(queueKey(id.Dest, id.Seq)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bbolt done: %w", err)
	}
	return nil
}

// Close implements [Store].
func (s *BoltStore) Close() error {
	return s.closer.close(func() error {
		s.c.close()
		if err := s.db.Close(); err != nil {
			return fmt.Errorf("close bbolt: %w", err)
		}
		return nil
	})
}
