package enginebench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"

	_ "modernc.org/sqlite" // registers the "sqlite" driver (pure Go)
)

// SQLiteSync is the synchronous pragma of a [SQLiteStore].
type SQLiteSync string

const (
	// SQLiteFull syncs the WAL on every commit: durable against power loss.
	SQLiteFull SQLiteSync = "FULL"
	// SQLiteNormal in WAL mode syncs only at checkpoints: a commit survives a
	// killed process (it is in the OS page cache) but NOT a power loss or a
	// kernel crash. It does not meet "202 only after the envelope is
	// durable" and is measured only for comparison.
	SQLiteNormal SQLiteSync = "NORMAL"
)

const sqliteSchema = `
CREATE TABLE IF NOT EXISTS dedupe (from_addr TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY (from_addr, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, next INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (account TEXT NOT NULL, seq INTEGER NOT NULL, body BLOB NOT NULL,
  PRIMARY KEY (account, seq));
CREATE TABLE IF NOT EXISTS queue (dest TEXT NOT NULL, seq INTEGER NOT NULL, body BLOB NOT NULL,
  PRIMARY KEY (dest, seq));`

// SQLiteStore is the [Store] on modernc.org/sqlite (SQLite translated to Go)
// in WAL mode. One connection writes, through a [committer] that puts each
// group of requests in one transaction; a pool of read-only connections
// serves Read and Dequeue.
type SQLiteStore struct {
	w, r   *sql.DB
	c      *committer[*sql.Tx]
	closer onceCloser
}

var _ Store = (*SQLiteStore)(nil)

// OpenSQLite opens (or creates) the store in dir.
func OpenSQLite(dir string, sync SQLiteSync) (*SQLiteStore, error) {
	path := filepath.Join(dir, "emsg.sqlite")
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=synchronous(" + string(sync) + ")"
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	if _, err := w.Exec(sqliteSchema); err != nil {
		w.Close()
		return nil, fmt.Errorf("create sqlite schema: %w", err)
	}
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite readers: %w", err)
	}
	r.SetMaxOpenConns(4)
	s := &SQLiteStore{w: w, r: r}
	s.c = newCommitter(s.runGroup)
	return s, nil
}

func (s *SQLiteStore) runGroup(ops []func(*sql.Tx) error) error {
	tx, err := s.w.Begin()
	if err != nil {
		return err
	}
	for _, op := range ops {
		if err := op(tx); err != nil {
			return errors.Join(err, tx.Rollback())
		}
	}
	return tx.Commit()
}

// Accept implements [Store].
func (s *SQLiteStore) Accept(ctx context.Context, batch []Delivery) ([]Result, error) {
	out := make([]Result, len(batch))
	err := s.c.do(ctx, func(tx *sql.Tx) error {
		for i, d := range batch {
			r, err := sqliteAcceptOne(tx, d)
			if err != nil {
				return fmt.Errorf("accept %s %s: %w", d.From, d.ID, err)
			}
			out[i] = r
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite accept: %w", err)
	}
	return out, nil
}

func sqliteAcceptOne(tx *sql.Tx, d Delivery) (Result, error) {
	res, err := tx.Exec(`INSERT INTO dedupe (from_addr, id, seq) VALUES (?, ?, 0) ON CONFLICT DO NOTHING`, d.From, d.ID)
	if err != nil {
		return Result{}, fmt.Errorf("record idempotency key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return Result{Duplicate: true}, err
	}
	counter, table, name := "a:"+d.To, "events", d.To
	if d.Destination != "" {
		counter, table, name = "q:"+d.Destination, "queue", d.Destination
	}
	var seq uint64
	err = tx.QueryRow(`INSERT INTO counters (name, next) VALUES (?, 2)
		ON CONFLICT (name) DO UPDATE SET next = next + 1 RETURNING next - 1`, counter).Scan(&seq)
	if err != nil {
		return Result{}, fmt.Errorf("advance counter: %w", err)
	}
	if _, err := tx.Exec(`INSERT INTO `+table+` VALUES (?, ?, ?)`, name, seq, d.Body); err != nil {
		return Result{}, fmt.Errorf("append: %w", err)
	}
	if _, err := tx.Exec(`UPDATE dedupe SET seq = ? WHERE from_addr = ? AND id = ?`, seq, d.From, d.ID); err != nil {
		return Result{}, fmt.Errorf("record sequence: %w", err)
	}
	return Result{Seq: seq}, nil
}

// Ack implements [Store].
func (s *SQLiteStore) Ack(ctx context.Context, account string, upToSeq uint64) error {
	err := s.c.do(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`DELETE FROM events WHERE account = ? AND seq <= ?`, account, upToSeq)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite ack: %w", err)
	}
	return nil
}

// Read implements [Store].
func (s *SQLiteStore) Read(ctx context.Context, account string, afterSeq uint64, limit int) ([]Event, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT seq, body FROM events WHERE account = ? AND seq > ? ORDER BY seq LIMIT ?`,
		account, afterSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite read: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.Seq, &e.Body); err != nil {
			return nil, fmt.Errorf("sqlite read: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite read: %w", err)
	}
	return out, nil
}

// Dequeue implements [Store].
func (s *SQLiteStore) Dequeue(ctx context.Context, dest string, n int) ([]QueueItem, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT seq, body FROM queue WHERE dest = ? ORDER BY seq LIMIT ?`, dest, n)
	if err != nil {
		return nil, fmt.Errorf("sqlite dequeue: %w", err)
	}
	defer rows.Close()
	var out []QueueItem
	for rows.Next() {
		it := QueueItem{ID: QueueID{Dest: dest}}
		if err := rows.Scan(&it.ID.Seq, &it.Body); err != nil {
			return nil, fmt.Errorf("sqlite dequeue: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite dequeue: %w", err)
	}
	return out, nil
}

// Done implements [Store].
func (s *SQLiteStore) Done(ctx context.Context, ids []QueueID) error {
	err := s.c.do(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.Exec(`DELETE FROM queue WHERE dest = ? AND seq = ?`, id.Dest, id.Seq); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite done: %w", err)
	}
	return nil
}

// Close implements [Store].
func (s *SQLiteStore) Close() error {
	return s.closer.close(func() error {
		s.c.close()
		return errors.Join(s.r.Close(), s.w.Close())
	})
}
