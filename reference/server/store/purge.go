package store

import (
	"bytes"
	"fmt"
)

// PurgeAccount deletes at most limit records of the data addr owns: its
// stream events, contacts, favorites, tokens and key bundles, in that
// order. It returns whether records remain: the caller runs it again, each
// time in a store operation of its own, so that purging a big account
// never holds the single writer for long (DEL-PURGE-01). The account
// record itself is the caller's (it keeps it, marked deleted, so that
// deliveries are answered gone); its stream counters stay too, so
// sequence numbers are never reused.
func (t *Tx) PurgeAccount(addr string, limit int) (more bool, err error) {
	if err := checkName("purge: address", addr); err != nil {
		return false, err
	}
	budget := limit
	for _, b := range [][]byte{bucketEvents, bucketContacts, bucketFavorites, bucketTokensOf, bucketBundles} {
		n, err := t.purgePrefix(b, prefixOf(addr), budget)
		if err != nil {
			return false, fmt.Errorf("purge %s: %w", addr, err)
		}
		budget -= n
		if budget <= 0 {
			return true, nil
		}
	}
	return false, nil
}

// purgePrefix deletes up to limit keys of bucket b starting with prefix
// (for tokens_of, the token each names too).
func (t *Tx) purgePrefix(b, prefix []byte, limit int) (int, error) {
	c := t.cursor(b)
	n := 0
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && n < limit; k, _ = c.Seek(prefix) {
		if bytes.Equal(b, bucketTokensOf) {
			if err := t.del(bucketTokens, bytes.Clone(k[len(prefix):])); err != nil {
				return n, err
			}
		}
		t.writes++
		if err := c.Delete(); err != nil {
			return n, fmt.Errorf("delete %s: %w", b, err)
		}
		n++
	}
	return n, nil
}

// MarkPurge records that the data of addr is to be purged: written with
// the deletion, so that a purge a crash interrupted is resumed
// ([Tx.PendingPurges]) rather than forgotten.
func (t *Tx) MarkPurge(addr string) error {
	if err := checkName("mark purge: address", addr); err != nil {
		return err
	}
	return t.put(bucketPurges, []byte(addr), []byte{})
}

// DonePurge records that the purge of addr is complete.
func (t *Tx) DonePurge(addr string) error {
	if err := checkName("done purge: address", addr); err != nil {
		return err
	}
	return t.del(bucketPurges, []byte(addr))
}

// PendingPurges returns the addresses whose purge is unfinished.
func (t *Tx) PendingPurges() ([]string, error) {
	var out []string
	err := t.tx.Bucket(bucketPurges).ForEach(func(k, _ []byte) error {
		out = append(out, string(k))
		return nil
	})
	return out, err
}
