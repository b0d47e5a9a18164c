package federation

import (
	"context"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/store"
)

// expire removes every queued item past its expiry, in steps of at most
// [expireBatch]. An envelope item gives its local sender an expired
// receipt, from the recipient it never reached (FED-QUEUE-05); other
// items with an expiry (group posts and fan-outs, session tickets) leave
// silently (FED-QUEUE-09).
func (o *Outbox) expire(ctx context.Context) error {
	for {
		more, err := o.expireStep(ctx)
		if err != nil || !more {
			return err
		}
	}
}

// expireStep removes one batch and reports whether more expired items wait.
func (o *Outbox) expireStep(ctx context.Context) (bool, error) {
	now := o.deps.Millis()
	var wake []address.Address
	var more bool
	err := o.st.Update(ctx, func(tx *store.Tx) error {
		wake = nil
		removed, m, err := tx.ExpireQueue(now, expireBatch)
		if err != nil {
			return err
		}
		more = m
		for _, it := range removed {
			q, ok := envelopeOf(it)
			if !ok {
				continue
			}
			r := receipt{Kind: receiptExpired, ID: q.Envelope.ID, From: q.Envelope.To, To: q.Envelope.From, TS: now}
			woken, err := pushLocal(tx, r)
			if err != nil {
				return err
			}
			if woken {
				wake = append(wake, r.To)
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("expire queue: %w", err)
	}
	o.wake(wake)
	return more, nil
}
