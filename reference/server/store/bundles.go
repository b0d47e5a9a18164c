package store

import (
	"bytes"
	"fmt"
)

// The key bundle chain of an account is kept as the raw bytes received
// (the signatures cover exactly those bytes), oldest first, under
// address\x00<big-endian position> starting at 1. The store does not parse
// or verify bundles: the caller checks the chain before appending.

// AppendBundle appends raw to the bundle chain of addr.
func (t *Tx) AppendBundle(addr string, raw []byte) error {
	if err := checkName("append bundle: address", addr); err != nil {
		return err
	}
	if len(raw) == 0 {
		return fmt.Errorf("append bundle for %s: empty: %w", addr, ErrBadValue)
	}
	next := uint64(1)
	if k, _ := t.lastOf(bucketBundles, addr); k != nil {
		next = seqOf(k) + 1
	}
	if err := t.put(bucketBundles, seqKey(addr, next), bytes.Clone(raw)); err != nil {
		return fmt.Errorf("append bundle for %s: %w", addr, err)
	}
	return nil
}

// Bundles returns the bundle chain of addr, oldest first (none: empty).
func (t *Tx) Bundles(addr string) ([][]byte, error) {
	if err := checkName("bundles: address", addr); err != nil {
		return nil, err
	}
	var out [][]byte
	prefix := prefixOf(addr)
	c := t.cursor(bucketBundles)
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		out = append(out, bytes.Clone(v))
	}
	return out, nil
}

// CurrentBundle returns the newest bundle of addr, or [ErrNotFound].
func (t *Tx) CurrentBundle(addr string) ([]byte, error) {
	if err := checkName("current bundle: address", addr); err != nil {
		return nil, err
	}
	k, v := t.lastOf(bucketBundles, addr)
	if k == nil {
		return nil, fmt.Errorf("current bundle of %s: %w", addr, ErrNotFound)
	}
	return bytes.Clone(v), nil
}

// lastOf returns the last key and value of name in bucket b (keys made by
// [seqKey] or [nameKey]), or nil.
func (t *Tx) lastOf(b []byte, name string) ([]byte, []byte) {
	c := t.cursor(b)
	end := append([]byte(name), sep+1)
	k, _ := c.Seek(end)
	var v []byte
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	if k == nil || !bytes.HasPrefix(k, prefixOf(name)) {
		return nil, nil
	}
	return k, v
}
