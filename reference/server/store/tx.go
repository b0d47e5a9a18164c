package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Tx is one transaction seen by an operation: the typed accessors of the
// aggregate files (accounts.go, events.go, ...) are its methods. A Tx is
// valid only inside the function it was passed to. Byte slices returned by
// accessors are copies the caller may keep.
type Tx struct {
	tx *bolt.Tx
	// writes counts the puts and deletes made through this Tx. The
	// committer compares it before and after an operation: an operation
	// that failed without writing needs no rollback.
	writes int
}

// get returns a copy of the value of key in bucket b, or nil.
func (t *Tx) get(b, key []byte) []byte {
	v := t.tx.Bucket(b).Get(key)
	if v == nil {
		return nil
	}
	return bytes.Clone(v)
}

// has reports whether key exists in bucket b.
func (t *Tx) has(b, key []byte) bool {
	return t.tx.Bucket(b).Get(key) != nil
}

// put stores value under key in bucket b. bbolt keeps references to both
// slices until the commit: callers pass freshly allocated ones.
func (t *Tx) put(b, key, value []byte) error {
	t.writes++
	if err := t.tx.Bucket(b).Put(key, value); err != nil {
		return fmt.Errorf("put %s: %w", b, err)
	}
	return nil
}

// del removes key from bucket b (absent keys are fine).
func (t *Tx) del(b, key []byte) error {
	t.writes++
	if err := t.tx.Bucket(b).Delete(key); err != nil {
		return fmt.Errorf("delete %s: %w", b, err)
	}
	return nil
}

// cursor opens a cursor on bucket b.
func (t *Tx) cursor(b []byte) *bolt.Cursor { return t.tx.Bucket(b).Cursor() }

// getJSON decodes the value of key in bucket b into v and reports whether
// it existed.
func (t *Tx) getJSON(b, key []byte, v any) (bool, error) {
	raw := t.tx.Bucket(b).Get(key)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("decode %s record: %w", b, err)
	}
	return true, nil
}

// putJSON stores v as compact JSON under key in bucket b.
func (t *Tx) putJSON(b, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s record: %w", b, err)
	}
	return t.put(b, key, raw)
}

// deleteRange deletes the keys of bucket b from start (inclusive) while
// keep(key) is true, and returns how many it deleted.
func (t *Tx) deleteRange(b, start []byte, keep func(key []byte) bool) (int, error) {
	c := t.cursor(b)
	n := 0
	// Seek again after each delete: bbolt's cursor may skip the key that
	// follows a deleted one.
	for k, _ := c.Seek(start); k != nil && keep(k); k, _ = c.Seek(start) {
		t.writes++
		if err := c.Delete(); err != nil {
			return n, fmt.Errorf("delete %s: %w", b, err)
		}
		n++
	}
	return n, nil
}

// jsonDecode decodes a stored JSON value.
func jsonDecode(raw []byte, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("decode record: %w", err)
	}
	return nil
}
