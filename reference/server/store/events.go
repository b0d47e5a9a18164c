package store

import (
	"bytes"
	"fmt"
	"math"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Event is one entry of an account's stream log: the sequence number the
// store assigned and the event as the caller encoded it (the "event" member
// of a stream frame).
type Event struct {
	Seq  uint64
	Data []byte
}

// ExpiredEvent is an event removed by [Tx.ExpireEvents] before it was
// acknowledged: the caller may owe its sender an "expired" receipt.
type ExpiredEvent struct {
	Address string
	Event
}

// stream is an account's counters: the last sequence number assigned and
// the highest acknowledged. Stored as two big-endian uint64 in [bucketStreams].
type stream struct {
	last, acked uint64
}

func (t *Tx) stream(addr string) stream {
	v := t.tx.Bucket(bucketStreams).Get([]byte(addr))
	if len(v) != 16 {
		return stream{}
	}
	return stream{last: decodeUint(v), acked: decodeUint(v[8:])}
}

func (t *Tx) putStream(addr string, s stream) error {
	v := append(encodeUint(s.last), encodeUint(s.acked)...)
	return t.put(bucketStreams, []byte(addr), v)
}

// AppendEvent appends event to the stream log of addr and returns its
// sequence number: the account's previous one plus one, starting at 1. A
// number is never handed out twice, not after Ack and not after a restart
// (the counter is kept apart from the log). expires > 0 makes the event
// subject to [Tx.ExpireEvents] (an envelope's ts + ttl); 0 keeps it until
// it is acknowledged.
func (t *Tx) AppendEvent(addr string, event []byte, expires wire.Millis) (uint64, error) {
	if err := checkName("append event: address", addr); err != nil {
		return 0, err
	}
	s := t.stream(addr)
	s.last++
	key := seqKey(addr, s.last)
	if err := t.put(bucketEvents, key, bytes.Clone(event)); err != nil {
		return 0, fmt.Errorf("append event for %s: %w", addr, err)
	}
	if err := t.indexExpiry(expiryEvents, key, expires); err != nil {
		return 0, fmt.Errorf("append event for %s: %w", addr, err)
	}
	if err := t.putStream(addr, s); err != nil {
		return 0, fmt.Errorf("append event for %s: %w", addr, err)
	}
	return s.last, nil
}

// Events returns up to limit events of addr with a sequence number above
// afterSeq, in order. Acknowledged and expired events are gone, so the
// numbers may have gaps.
func (t *Tx) Events(addr string, afterSeq uint64, limit int) ([]Event, error) {
	if err := checkName("events: address", addr); err != nil {
		return nil, err
	}
	if afterSeq == math.MaxUint64 {
		return nil, nil
	}
	var out []Event
	prefix := prefixOf(addr)
	c := t.cursor(bucketEvents)
	for k, v := c.Seek(seqKey(addr, afterSeq+1)); k != nil && len(out) < limit && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		out = append(out, Event{Seq: seqOf(k), Data: bytes.Clone(v)})
	}
	return out, nil
}

// LastSeq returns the last sequence number assigned to addr (0: none yet).
func (t *Tx) LastSeq(addr string) (uint64, error) {
	if err := checkName("last seq: address", addr); err != nil {
		return 0, err
	}
	return t.stream(addr).last, nil
}

// AckedSeq returns the highest sequence number addr acknowledged: the
// resume_from of the stream's ready frame.
func (t *Tx) AckedSeq(addr string) (uint64, error) {
	if err := checkName("acked seq: address", addr); err != nil {
		return 0, err
	}
	return t.stream(addr).acked, nil
}

// Ack deletes the events of addr up to and including upToSeq and records
// the acknowledgement. An ack beyond the last assigned number acknowledges
// only what was assigned; an ack below an earlier one changes nothing.
func (t *Tx) Ack(addr string, upToSeq uint64) error {
	if err := checkName("ack: address", addr); err != nil {
		return err
	}
	s := t.stream(addr)
	upTo := min(upToSeq, s.last)
	if upTo <= s.acked {
		return nil
	}
	end := seqKey(addr, upTo)
	_, err := t.deleteRange(bucketEvents, prefixOf(addr), func(k []byte) bool {
		return bytes.Compare(k, end) <= 0
	})
	if err != nil {
		return fmt.Errorf("ack %s up to %d: %w", addr, upTo, err)
	}
	s.acked = upTo
	if err := t.putStream(addr, s); err != nil {
		return fmt.Errorf("ack %s up to %d: %w", addr, upTo, err)
	}
	return nil
}

// ExpireEvents removes up to limit events whose expiry is at or before now
// and returns them, oldest expiry first, so the caller can send "expired"
// receipts. more reports that expired events remain.
func (t *Tx) ExpireEvents(now wire.Millis, limit int) (removed []ExpiredEvent, more bool, err error) {
	more, err = t.sweep(expiryEvents, now, limit, func(pk []byte, _ wire.Millis) error {
		v := t.get(bucketEvents, pk)
		if v == nil {
			return nil // acknowledged before it expired
		}
		removed = append(removed, ExpiredEvent{Address: nameOf(pk), Event: Event{Seq: seqOf(pk), Data: v}})
		return t.del(bucketEvents, pk)
	})
	if err != nil {
		return nil, false, fmt.Errorf("expire events: %w", err)
	}
	return removed, more, nil
}
