package federation

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/emsg-project/emsg/reference/server/store"
)

// failure is why a transaction is to be retried; it decides the wait
// before the next attempt ([Outbox.backoff], FED-QUEUE-04).
type failure int

const (
	// unreachable: no answer at all (no connection, or it broke before
	// the answer). The peer may be down for long: the spec's backoff, 1 s
	// doubling up to [Timing].MaxBackoff (15 minutes).
	unreachable failure = iota
	// busy: the peer answered a status to retry (5xx, 401, 429 without a
	// wait, an answer that breaks the spec) or did not answer within
	// [Timing].Request. It is there and will take the transaction once its
	// load passes, so the doubling stops at [Timing].BusyBackoff: waiting
	// up to 15 minutes for a peer that was overloaded for seconds stalls
	// its queue long after it recovered.
	busy
	// asked: the peer said when to come back (429 rate_limited with
	// retry_after, 503 with Retry-After). That wait is honoured as asked,
	// plus a jitter of up to [Timing].BaseBackoff so that the origins it
	// refused together do not return together, and it does not count as a
	// failed attempt: the next failure backs off as if this one had not
	// happened.
	asked
)

// String names f for logs.
func (f failure) String() string {
	switch f {
	case busy:
		return "busy"
	case asked:
		return "asked to wait"
	}
	return "unreachable"
}

// backoff returns the wait before the next attempt of a transaction whose
// head failed attempts times before this failure f: for an unreachable or
// busy destination uniformly random in [0, ceiling] (full jitter, see
// [Outbox.ceiling]); for one that asked, retryAfter plus a jitter of up to
// BaseBackoff. Never less than retryAfter, the destination's wait
// (FED-QUEUE-04).
func (o *Outbox) backoff(attempts int, f failure, retryAfter time.Duration) (time.Duration, error) {
	n, err := o.random()
	if err != nil {
		return 0, fmt.Errorf("backoff: %w", err)
	}
	if f == asked {
		return retryAfter + time.Duration(n%(uint64(o.timing.BaseBackoff)+1)), nil
	}
	wait := time.Duration(n % (uint64(o.timing.ceiling(attempts, f)) + 1))
	return max(wait, retryAfter), nil
}

// ceiling is the longest backoff after attempts earlier failures and this
// failure f: BaseBackoff·2^attempts, at most BusyBackoff for a busy
// destination and MaxBackoff for any.
func (t Timing) ceiling(attempts int, f failure) time.Duration {
	limit := t.MaxBackoff
	if f == busy && t.BusyBackoff > 0 {
		limit = min(limit, t.BusyBackoff)
	}
	if attempts < 40 && t.BaseBackoff<<attempts < limit && t.BaseBackoff<<attempts > 0 {
		return t.BaseBackoff << attempts
	}
	return limit
}

// random reads 8 bytes of deps.Rand.
func (o *Outbox) random() (uint64, error) {
	o.randMu.Lock()
	defer o.randMu.Unlock()
	b, err := o.deps.Read(8)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(b), nil
}

// isNotFound reports a queue item that is no longer there.
func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
