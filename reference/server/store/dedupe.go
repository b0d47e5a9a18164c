package store

import (
	"bytes"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// dedupeRecord is the value of an idempotency key.
type dedupeRecord struct {
	Record  []byte      `json:"record"`
	Expires wire.Millis `json:"expires"`
}

// Seen returns the record remembered for the idempotency key (from, id) —
// an envelope's (from, id), or for other item kinds the key of the
// federation table joined into id by the caller (e.g. "<id>/<kind>" for a
// receipt) — and whether there is one. A record past its expiry that no
// sweep removed yet is still returned: duplicates stay duplicates until
// the sweep.
func (t *Tx) Seen(from, id string) ([]byte, bool, error) {
	key, err := dedupeKey(from, id)
	if err != nil {
		return nil, false, fmt.Errorf("seen: %w", err)
	}
	var r dedupeRecord
	ok, err := t.getJSON(bucketDedupe, key, &r)
	if err != nil || !ok {
		return nil, false, err
	}
	return r.Record, true, nil
}

// Remember records (from, id) with record (what the caller needs to answer
// a repeat, e.g. the assigned seq or the per-item result) until expires
// (0: forever). Remembering a key again replaces its record and expiry.
func (t *Tx) Remember(from, id string, record []byte, expires wire.Millis) error {
	key, err := dedupeKey(from, id)
	if err != nil {
		return fmt.Errorf("remember: %w", err)
	}
	if err := t.putJSON(bucketDedupe, key, dedupeRecord{Record: bytes.Clone(record), Expires: expires}); err != nil {
		return fmt.Errorf("remember %s %s: %w", from, id, err)
	}
	if err := t.indexExpiry(expiryDedupe, key, expires); err != nil {
		return fmt.Errorf("remember %s %s: %w", from, id, err)
	}
	return nil
}

// ExpireDedupe removes up to limit idempotency keys that expired at or
// before now; more reports that expired keys remain.
func (t *Tx) ExpireDedupe(now wire.Millis, limit int) (removed int, more bool, err error) {
	more, err = t.sweep(expiryDedupe, now, limit, func(pk []byte, exp wire.Millis) error {
		var r dedupeRecord
		ok, err := t.getJSON(bucketDedupe, pk, &r)
		if err != nil || !ok || r.Expires != exp {
			return err // gone, or remembered again with a new expiry
		}
		removed++
		return t.del(bucketDedupe, pk)
	})
	if err != nil {
		return 0, false, fmt.Errorf("expire dedupe: %w", err)
	}
	return removed, more, nil
}

func dedupeKey(from, id string) ([]byte, error) {
	if err := checkName("from", from); err != nil {
		return nil, err
	}
	if err := checkName("id", id); err != nil {
		return nil, err
	}
	return nameKey(from, id), nil
}
