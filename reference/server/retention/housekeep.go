package retention

import (
	"context"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// sweepFunc is one of the store's Expire* sweeps that only count.
type sweepFunc func(tx *store.Tx, now wire.Millis, limit int) (int, bool, error)

// lifetimes are the records other than events that expire: idempotency
// keys, login challenges, tokens, invites and transaction answers.
var lifetimes = []struct {
	name  string
	sweep sweepFunc
}{
	{"idempotency keys", (*store.Tx).ExpireDedupe},
	{"challenges", (*store.Tx).ExpireChallenges},
	{"tokens", (*store.Tx).ExpireTokens},
	{"invites", (*store.Tx).ExpireInvites},
	{"transaction answers", (*store.Tx).ExpireTxns},
}

// housekeep removes the expired records of every lifetime, in steps of at
// most [SweepBatch].
func (w *Sweeper) housekeep(ctx context.Context, now wire.Millis) error {
	for _, l := range lifetimes {
		for more := true; more; {
			err := w.st.Update(ctx, func(tx *store.Tx) error {
				var err error
				_, more, err = l.sweep(tx, now, SweepBatch)
				return err
			})
			if err != nil {
				return fmt.Errorf("expire %s: %w", l.name, err)
			}
		}
	}
	return nil
}
