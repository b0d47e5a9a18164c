package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FileName is the database file inside the data directory.
const FileName = "emsg.db"

// lockTimeout is how long [Open] waits for another process to release the
// file lock before it gives up.
const lockTimeout = 2 * time.Second

// Store is the durable state of one reference server: one bbolt file,
// written only through [Store.Update] (group commit, per-operation
// atomicity) and read through [Store.View].
type Store struct {
	db *bolt.DB
	c  *committer

	mu     sync.RWMutex // guards closed
	closed bool
}

// Open opens (or creates) the store in the data directory dir, creating the
// directory (mode 0700) and the file [FileName] (mode 0600) when absent.
// Another process holding the file makes Open fail after a few seconds.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	if err := db.Update(createBuckets); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	s := &Store{db: db}
	s.c = newCommitter(s.runGroup)
	return s, nil
}

// createBuckets makes every bucket of the layout (see the package doc).
func createBuckets(tx *bolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// Update runs op in a read-write transaction and returns once the result is
// durable (nil) or op was refused (op's error, and nothing op wrote
// remains). op may run more than once and together with the operations of
// other goroutines: it must depend only on the transaction and keep results
// in variables it captures (see the package doc, "Writing operations").
//
// If ctx ends before the request is queued, Update returns ctx.Err() and op
// never runs. Once queued, the request is committed or failed even if ctx
// ends, and Update waits for that answer: a caller never reports a write
// that did not happen or misses one that did.
func (s *Store) Update(ctx context.Context, op func(*Tx) error) error {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	s.c.senders.Add(1)
	s.mu.RUnlock()
	return s.c.do(ctx, op)
}

// View runs op in a read-only transaction. Views run concurrently with each
// other and with the committer, and see only committed (durable) state.
// op must not call Update: a write waiting behind an open read can block.
func (s *Store) View(op func(*Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	return s.db.View(func(btx *bolt.Tx) error {
		return op(&Tx{tx: btx})
	})
}

// Close commits every request already queued, then closes the file. Later
// calls to Update and View return [ErrClosed]; Close is idempotent.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.c.close()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// runGroup is the committer's run function: one bbolt transaction per
// attempt, see [runAtomically].
func (s *Store) runGroup(group []*request) {
	runAtomically(s.db, group)
}
