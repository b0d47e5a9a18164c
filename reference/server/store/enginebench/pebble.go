package enginebench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/cockroachdb/pebble/v2"
)

// PebbleMode chooses how [PebbleStore] shares fsyncs between writers.
type PebbleMode int

const (
	// PebbleCoalesce runs writes through a [committer]: one indexed batch per
	// group, applied with Sync.
	PebbleCoalesce PebbleMode = iota
	// PebbleConcurrent lets every writer apply its own batch with Sync;
	// Pebble's commit pipeline group-commits the write-ahead log. Sequence
	// numbers and in-flight idempotency keys are then kept in memory.
	PebbleConcurrent
)

// PebbleStore is the [Store] on github.com/cockroachdb/pebble/v2: an LSM tree
// with a write-ahead log, a directory of files, background compactions.
type PebbleStore struct {
	db     *pebble.DB
	mode   PebbleMode
	c      *committer[*pebble.Batch]
	closer onceCloser

	// PebbleConcurrent state, guarded by mu: next sequence numbers of the
	// counters touched so far and the idempotency keys being committed.
	mu       sync.Mutex
	counters map[string]uint64
	inflight map[string]chan struct{}
}

var _ Store = (*PebbleStore)(nil)

// OpenPebble opens (or creates) the store in dir.
func OpenPebble(dir string, mode PebbleMode) (*PebbleStore, error) {
	db, err := pebble.Open(dir, &pebble.Options{Logger: quietLogger{}})
	if err != nil {
		return nil, fmt.Errorf("open pebble: %w", err)
	}
	s := &PebbleStore{db: db, mode: mode, counters: map[string]uint64{}, inflight: map[string]chan struct{}{}}
	s.c = newCommitter(s.runGroup)
	return s, nil
}

// quietLogger keeps Pebble's informational messages out of the output.
type quietLogger struct{}

func (quietLogger) Infof(string, ...any)                     {}
func (quietLogger) Errorf(f string, a ...any)                { fmt.Printf("pebble: "+f+"\n", a...) }
func (quietLogger) Fatalf(f string, a ...any)                { panic(fmt.Sprintf("pebble: "+f, a...)) }
func (l quietLogger) Eventf(context.Context, string, ...any) {}

func (s *PebbleStore) runGroup(ops []func(*pebble.Batch) error) error {
	b := s.db.NewIndexedBatch()
	defer b.Close()
	for _, op := range ops {
		if err := op(b); err != nil {
			return err
		}
	}
	return s.db.Apply(b, pebble.Sync)
}

// pebbleTxn adapts an indexed batch (which reads its own writes) to [kvTxn].
type pebbleTxn struct{ b *pebble.Batch }

func (t pebbleTxn) get(key []byte) ([]byte, error) { return pebbleGet(t.b, key) }

func (t pebbleTxn) put(key, value []byte) error { return t.b.Set(key, value, nil) }

func pebbleGet(r pebble.Reader, key []byte) ([]byte, error) {
	v, closer, err := r.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	return bytes.Clone(v), nil
}

// Accept implements [Store].
func (s *PebbleStore) Accept(ctx context.Context, batch []Delivery) ([]Result, error) {
	out := make([]Result, len(batch))
	var err error
	if s.mode == PebbleConcurrent {
		err = s.acceptConcurrent(batch, out)
	} else {
		err = s.c.do(ctx, func(b *pebble.Batch) error { return acceptKV(pebbleTxn{b}, batch, out) })
	}
	if err != nil {
		return nil, fmt.Errorf("pebble accept: %w", err)
	}
	return out, nil
}

// acceptConcurrent prepares the batch under s.mu (idempotency check,
// sequence numbers) and hands it to Pebble's commit pipeline there too
// (ApplyNoSyncWait), so batches reach the log in the order their counters
// were advanced; it waits for the WAL sync outside the lock, so concurrent
// accepts share syncs. A duplicate of a delivery still being committed waits
// for that commit, so it is never acknowledged before the original is
// durable.
func (s *PebbleStore) acceptConcurrent(batch []Delivery, out []Result) error {
	b := s.db.NewBatch()
	defer b.Close()
	s.mu.Lock()
	mine, waits, err := s.prepareLocked(b, batch, out)
	applied := false
	if err == nil && !b.Empty() {
		err = s.db.ApplyNoSyncWait(b, pebble.Sync)
		applied = err == nil
	}
	s.mu.Unlock()
	if applied {
		err = b.SyncWait()
	}
	s.mu.Lock()
	for _, k := range mine {
		close(s.inflight[k])
		delete(s.inflight, k)
	}
	s.mu.Unlock()
	for _, w := range waits {
		<-w
	}
	return err
}

// prepareLocked fills b with the new deliveries; mine lists the idempotency
// keys b commits, waits the commits of duplicates in flight.
func (s *PebbleStore) prepareLocked(b *pebble.Batch, batch []Delivery, out []Result) (mine []string, waits []chan struct{}, err error) {
	for i, d := range batch {
		dk := dedupeKey(d.From, d.ID)
		if w, ok := s.inflight[string(dk)]; ok {
			out[i] = Result{Duplicate: true}
			waits = append(waits, w)
			continue
		}
		seen, err := pebbleGet(s.db, dk)
		if err != nil {
			return mine, waits, fmt.Errorf("read idempotency key: %w", err)
		}
		if seen != nil {
			out[i] = Result{Duplicate: true}
			continue
		}
		ck, key := target(d)
		seq, err := s.nextSeqLocked(ck)
		if err != nil {
			return mine, waits, err
		}
		b.Set(key(seq), d.Body, nil)
		b.Set(dk, encodeUint(seq), nil)
		b.Set(ck, encodeUint(seq+1), nil)
		s.inflight[string(dk)] = make(chan struct{})
		mine = append(mine, string(dk))
		out[i] = Result{Seq: seq}
	}
	return mine, waits, nil
}

// nextSeqLocked hands out the counter's next number from memory, loading it
// from the database the first time. A failed commit leaves a gap, which the
// protocol allows.
func (s *PebbleStore) nextSeqLocked(ck []byte) (uint64, error) {
	seq, ok := s.counters[string(ck)]
	if !ok {
		v, err := pebbleGet(s.db, ck)
		if err != nil {
			return 0, fmt.Errorf("read counter: %w", err)
		}
		if seq = decodeUint(v); seq == 0 {
			seq = 1
		}
	}
	s.counters[string(ck)] = seq + 1
	return seq, nil
}

// write applies a write that needs no read: through the committer, or as an
// own synced batch in PebbleConcurrent mode.
func (s *PebbleStore) write(ctx context.Context, op func(*pebble.Batch) error) error {
	if s.mode == PebbleCoalesce {
		return s.c.do(ctx, op)
	}
	b := s.db.NewBatch()
	defer b.Close()
	if err := op(b); err != nil {
		return err
	}
	return s.db.Apply(b, pebble.Sync)
}

// Ack implements [Store] with one range deletion.
func (s *PebbleStore) Ack(ctx context.Context, account string, upToSeq uint64) error {
	err := s.write(ctx, func(b *pebble.Batch) error {
		return b.DeleteRange(eventKey(account, 0), eventKey(account, upToSeq+1), nil)
	})
	if err != nil {
		return fmt.Errorf("pebble ack: %w", err)
	}
	return nil
}

// scan returns up to limit key-value pairs from start up to (excluding) end.
func (s *PebbleStore) scan(start, end []byte, limit int, each func(k, v []byte)) error {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: start, UpperBound: end})
	if err != nil {
		return err
	}
	n := 0
	for ok := it.First(); ok && n < limit; ok = it.Next() {
		each(it.Key(), bytes.Clone(it.Value()))
		n++
	}
	if err := it.Error(); err != nil {
		it.Close()
		return err
	}
	return it.Close()
}

// Read implements [Store].
func (s *PebbleStore) Read(_ context.Context, account string, afterSeq uint64, limit int) ([]Event, error) {
	var out []Event
	end := []byte(prefixEvent + account + "\x01")
	err := s.scan(eventKey(account, afterSeq+1), end, limit, func(k, v []byte) {
		out = append(out, Event{Seq: seqOf(k), Body: v})
	})
	if err != nil {
		return nil, fmt.Errorf("pebble read: %w", err)
	}
	return out, nil
}

// Dequeue implements [Store].
func (s *PebbleStore) Dequeue(_ context.Context, dest string, n int) ([]QueueItem, error) {
	var out []QueueItem
	end := []byte(prefixQueue + dest + "\x01")
	err := s.scan(queueKey(dest, 0), end, n, func(k, v []byte) {
		out = append(out, QueueItem{ID: QueueID{Dest: dest, Seq: seqOf(k)}, Body: v})
	})
	if err != nil {
		return nil, fmt.Errorf("pebble dequeue: %w", err)
	}
	return out, nil
}

// Done implements [Store].
func (s *PebbleStore) Done(ctx context.Context, ids []QueueID) error {
	err := s.write(ctx, func(b *pebble.Batch) error {
		for _, id := range ids {
			if err := b.Delete(queueKey(id.Dest, id.Seq), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("pebble done: %w", err)
	}
	return nil
}

// Close implements [Store].
func (s *PebbleStore) Close() error {
	return s.closer.close(func() error {
		s.c.close()
		if err := s.db.Close(); err != nil {
			return fmt.Errorf("close pebble: %w", err)
		}
		return nil
	})
}
