package federation

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/emsg-project/emsg/reference/server/store"
)

// backoff returns the wait before the next attempt of a transaction whose
// head failed attempts times before this failure: uniformly random in
// [0, min(MaxBackoff, BaseBackoff·2^attempts)] (full jitter), and at least
// retryAfter, the destination's retry_after (FED-QUEUE-04).
func (o *Outbox) backoff(attempts int, retryAfter time.Duration) (time.Duration, error) {
	ceiling := o.timing.MaxBackoff
	if attempts < 40 && o.timing.BaseBackoff<<attempts < ceiling && o.timing.BaseBackoff<<attempts > 0 {
		ceiling = o.timing.BaseBackoff << attempts
	}
	n, err := o.random()
	if err != nil {
		return 0, fmt.Errorf("backoff: %w", err)
	}
	wait := time.Duration(n % (uint64(ceiling) + 1))
	return max(wait, retryAfter), nil
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
