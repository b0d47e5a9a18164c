package retention

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/store"
)

// SweepBatch bounds the records one store operation of a sweep removes.
const SweepBatch = 256

// DefaultPeriod is how often [Sweeper.Run] sweeps.
const DefaultPeriod = time.Second

// Sweeper removes expired records from the store. Create it with
// [NewSweeper]; run it with [Sweeper.Run] or call [Sweeper.Sweep].
type Sweeper struct {
	st     *store.Store
	cfg    config.Config
	deps   wire.Deps
	notify Notifier
	kick   Kicker
}

// NewSweeper returns the sweeper of the server for cfg.Domain. deps.Now
// decides what expired; notify wakes the streams of accounts that got
// events and kick the queues that got receipt items (either may be nil).
func NewSweeper(st *store.Store, cfg config.Config, deps wire.Deps, notify Notifier, kick Kicker) *Sweeper {
	return &Sweeper{st: st, cfg: cfg, deps: deps, notify: notify, kick: kick}
}

// Run sweeps every period until ctx ends. A failed sweep is logged and
// tried again at the next tick.
func (w *Sweeper) Run(ctx context.Context, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		if err := w.Sweep(ctx); err != nil && ctx.Err() == nil {
			slog.Error("retention sweep", "domain", w.cfg.Domain, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sweep removes everything expired at deps.Now: envelope events (with
// their expired events and receipts), then the other records with a
// lifetime, each in steps of at most [SweepBatch] records.
func (w *Sweeper) Sweep(ctx context.Context) error {
	now := w.deps.Millis()
	for more := true; more; {
		var err error
		if more, err = w.eventStep(ctx, now); err != nil {
			return err
		}
	}
	return w.housekeep(ctx, now)
}

// eventStep removes one batch of expired events and reports whether more
// wait.
func (w *Sweeper) eventStep(ctx context.Context, now wire.Millis) (bool, error) {
	var fx effects
	var more bool
	err := w.st.Update(ctx, func(tx *store.Tx) error {
		fx = effects{}
		removed, m, err := tx.ExpireEvents(now, SweepBatch)
		if err != nil {
			return err
		}
		more = m
		for _, ev := range removed {
			if err := w.dropped(tx, ev, now, &fx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("expire events: %w", err)
	}
	w.wake(fx)
	return more, nil
}

// effects is what a step leaves for after its commit.
type effects struct {
	wake []address.Address
	kick []string
}

// droppedEnvelope is what the sweep reads of an expired event: its kind
// and, for an envelope, the idempotency key and the sender.
type droppedEnvelope struct {
	Kind     string `json:"kind"`
	Envelope struct {
		ID   string          `json:"id"`
		From address.Address `json:"from"`
	} `json:"envelope"`
}

// dropped answers one expired event of ev.Address: for an envelope, an
// expired event to the account (TTL-EVENT-01) and an expired receipt to
// the sender (RCPT-EXPIRED-01). Other events with an expiry leave
// silently.
func (w *Sweeper) dropped(tx *store.Tx, ev store.ExpiredEvent, now wire.Millis, fx *effects) error {
	var d droppedEnvelope
	if json.Unmarshal(ev.Data, &d) != nil || d.Kind != "envelope" || d.Envelope.ID == "" {
		return nil
	}
	owner, err := address.ParseCanonical(ev.Address)
	if err != nil {
		return nil // not an account's log
	}
	if err := w.expiredEvent(tx, owner, d); err != nil {
		return err
	}
	fx.wake = append(fx.wake, owner)
	r := receipt{Kind: "expired", ID: d.Envelope.ID, From: owner, To: d.Envelope.From, TS: now}
	return w.sendReceipt(tx, r, fx)
}

// expiredEvent appends {"kind":"expired","from","id"} to owner's log.
func (w *Sweeper) expiredEvent(tx *store.Tx, owner address.Address, d droppedEnvelope) error {
	raw, err := json.Marshal(struct {
		Kind string          `json:"kind"`
		From address.Address `json:"from"`
		ID   string          `json:"id"`
	}{"expired", d.Envelope.From, d.Envelope.ID})
	if err != nil {
		return fmt.Errorf("encode expired event: %w", err)
	}
	if _, err := tx.AppendEvent(owner.String(), raw, 0); err != nil {
		return fmt.Errorf("expired event for %s: %w", owner, err)
	}
	return nil
}

// wake notifies each account and kicks each queue once.
func (w *Sweeper) wake(fx effects) {
	for i, a := range fx.wake {
		if w.notify != nil && slices.Index(fx.wake, a) == i {
			w.notify.Notify(a)
		}
	}
	for i, d := range fx.kick {
		if w.kick != nil && slices.Index(fx.kick, d) == i {
			w.kick.Kick(d)
		}
	}
}
