package enginebench

import "fmt"

// kvTxn is the part of a read-write transaction the key-value adapters share:
// get returns nil for a missing key and a value the caller may keep.
type kvTxn interface {
	get(key []byte) ([]byte, error)
	put(key, value []byte) error
}

// acceptKV records the deliveries in tx and fills out (len(out) ==
// len(batch)). It may run again on the same deliveries (bbolt's DB.Batch
// retries a failed group one by one), so it derives everything from tx.
func acceptKV(tx kvTxn, batch []Delivery, out []Result) error {
	for i, d := range batch {
		r, err := acceptOneKV(tx, d)
		if err != nil {
			return fmt.Errorf("accept %s %s: %w", d.From, d.ID, err)
		}
		out[i] = r
	}
	return nil
}

func acceptOneKV(tx kvTxn, d Delivery) (Result, error) {
	dk := dedupeKey(d.From, d.ID)
	seen, err := tx.get(dk)
	if err != nil {
		return Result{}, fmt.Errorf("read idempotency key: %w", err)
	}
	if seen != nil {
		return Result{Duplicate: true}, nil
	}
	ck, key := target(d)
	seq, err := nextSeq(tx, ck)
	if err != nil {
		return Result{}, err
	}
	if err := tx.put(key(seq), d.Body); err != nil {
		return Result{}, fmt.Errorf("append: %w", err)
	}
	if err := tx.put(dk, encodeUint(seq)); err != nil {
		return Result{}, fmt.Errorf("record idempotency key: %w", err)
	}
	return Result{Seq: seq}, nil
}

// nextSeq returns the counter's next number (1 for a new counter) and
// advances it.
func nextSeq(tx kvTxn, ck []byte) (uint64, error) {
	v, err := tx.get(ck)
	if err != nil {
		return 0, fmt.Errorf("read counter: %w", err)
	}
	seq := decodeUint(v)
	if seq == 0 {
		seq = 1
	}
	if err := tx.put(ck, encodeUint(seq+1)); err != nil {
		return 0, fmt.Errorf("write counter: %w", err)
	}
	return seq, nil
}
