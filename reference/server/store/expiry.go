package store

import (
	"encoding/binary"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// An expiry index is a bucket whose keys are the big-endian expiry time,
// a zero byte and the primary key of a record in another bucket, with empty
// values: a cursor from the start visits records in the order they expire.
// Indexes are lazy: deleting a record (Ack, Done, DeleteToken, ...) leaves
// its index entry, and the sweep drops entries whose record is gone or was
// rewritten with another expiry. Expiry time 0 means "never" and is not
// indexed.

// indexExpiry adds the index entry of primary key pk expiring at exp.
func (t *Tx) indexExpiry(index, pk []byte, exp wire.Millis) error {
	if exp <= 0 {
		return nil
	}
	return t.put(index, expiryKey(exp, pk), []byte{})
}

func expiryKey(exp wire.Millis, pk []byte) []byte {
	k := make([]byte, 0, 9+len(pk))
	k = binary.BigEndian.AppendUint64(k, uint64(exp))
	k = append(k, sep)
	return append(k, pk...)
}

// sweep visits at most limit index entries that expired at or before now,
// oldest first, deletes each entry and calls expire(pk, exp), which removes
// the record if it still exists with that expiry. It returns whether
// expired entries remain (the caller sweeps again later).
func (t *Tx) sweep(index []byte, now wire.Millis, limit int, expire func(pk []byte, exp wire.Millis) error) (more bool, err error) {
	c := t.cursor(index)
	for n := 0; ; n++ {
		k, _ := c.First()
		if len(k) < 9 {
			return false, nil
		}
		exp := wire.Millis(binary.BigEndian.Uint64(k))
		if exp > now {
			return false, nil
		}
		if n == limit {
			return true, nil
		}
		pk := append([]byte(nil), k[9:]...)
		t.writes++
		if err := c.Delete(); err != nil {
			return false, fmt.Errorf("sweep %s: %w", index, err)
		}
		if err := expire(pk, exp); err != nil {
			return false, fmt.Errorf("sweep %s: %w", index, err)
		}
	}
}

// expired reports whether a record expiring at exp has expired at now.
// Expiry 0 never expires.
func expired(exp, now wire.Millis) bool {
	return exp > 0 && now >= exp
}
