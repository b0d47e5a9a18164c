package federation

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Timing bounds the outbox's waits.
type Timing struct {
	// BaseBackoff and MaxBackoff bound the exponential backoff between
	// attempts on one destination: after its n-th consecutive failure its
	// lane waits a uniformly random time in [0, min(MaxBackoff,
	// BaseBackoff·2^(n-1))] (full jitter) before it tries again
	// (FED-QUEUE-04). The count is the head item's, so it starts again
	// from zero as soon as the destination answers a transaction.
	BaseBackoff, MaxBackoff time.Duration
	// BusyBackoff caps the backoff instead of MaxBackoff while the
	// destination answers but cannot take the transaction yet (5xx, 401,
	// no answer within Request). A destination that names its wait
	// (retry_after, Retry-After) gets exactly that wait instead. See
	// [failure].
	BusyBackoff time.Duration
	// Sweep is how often expired items leave the queue and every non-empty
	// queue is looked at (after a restart, or after a missed kick).
	Sweep time.Duration
	// Request bounds one transaction: connection, request and answer.
	Request time.Duration
}

// DefaultTiming is the timing of FED-QUEUE-04: 1 second doubling up to 15
// minutes for a destination that does not answer, up to a minute for one
// that answers but is busy.
func DefaultTiming() Timing {
	return Timing{BaseBackoff: time.Second, MaxBackoff: 15 * time.Minute, BusyBackoff: time.Minute, Sweep: time.Second, Request: 30 * time.Second}
}

// expireBatch bounds the items one expiry step removes.
const expireBatch = 256

// Outbox sends the federation queue: for each destination with queued
// items, one lane goroutine sends transactions of at most
// min(config.MaxTxnItems, the destination's max_txn_items) items, in
// queue order, one at a time (FED-QUEUE-02): the next transaction leaves
// when the previous one is answered, while the answered items are still
// being taken out of the store (see [cursor]). Create it with [NewOutbox],
// start it with [Outbox.Run]; it is safe for concurrent use.
type Outbox struct {
	st     *store.Store
	cfg    config.Config
	deps   wire.Deps
	key    fedsig.ServerKey
	peers  *Peers
	notify Notifier
	timing Timing

	randMu sync.Mutex // deps.Rand need not be safe for concurrent use

	mu     sync.Mutex
	ctx    context.Context // Run's; nil before Run and after it returned
	cancel context.CancelFunc
	done   chan struct{}            // closed when Run returned
	lanes  map[string]chan struct{} // running lanes by destination: their wake channel
	wg     sync.WaitGroup
}

// NewOutbox returns the outbox of the server configured by cfg: it signs
// with key (published in this server's discovery document), reaches and
// sizes destinations through peers, and wakes the streams of local senders
// that get failed or expired receipts through notify (nil: nobody).
func NewOutbox(st *store.Store, cfg config.Config, deps wire.Deps, key fedsig.ServerKey, peers *Peers, notify Notifier, timing Timing) *Outbox {
	return &Outbox{st: st, cfg: cfg, deps: deps, key: key, peers: peers, notify: notify, timing: timing, lanes: map[string]chan struct{}{}}
}

// Compile-time check: the inbox kicks the outbox.
var _ Kicker = (*Outbox)(nil)

// Run sends until ctx ends or [Outbox.Close] is called, then waits for
// the lanes to stop. Every [Timing].Sweep it drops expired items and
// starts a lane for every destination with queued items, so items queued
// before a restart leave too (FED-QUEUE-01).
func (o *Outbox) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	o.mu.Lock()
	o.ctx, o.cancel, o.done = ctx, cancel, make(chan struct{})
	o.mu.Unlock()
	defer o.stop()
	t := time.NewTicker(o.timing.Sweep)
	defer t.Stop()
	for {
		o.sweep(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// stop ends Run: no lane starts any more, the running ones are waited for.
func (o *Outbox) stop() {
	o.mu.Lock()
	o.cancel()
	o.ctx = nil
	done := o.done
	o.mu.Unlock()
	o.wg.Wait()
	close(done)
}

// Close stops [Outbox.Run] and waits until it returned. Items in flight
// stay queued and are sent again, with the same txn, by the next Run.
func (o *Outbox) Close() {
	o.mu.Lock()
	cancel, done := o.cancel, o.done
	o.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

// Kick wakes the lane of dest, starting it if needed: call it after
// queuing items for dest. Before Run it does nothing (Run's first sweep
// finds every queue).
func (o *Outbox) Kick(dest string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ctx == nil || o.ctx.Err() != nil {
		return
	}
	if w, ok := o.lanes[dest]; ok {
		select {
		case w <- struct{}{}:
		default:
		}
		return
	}
	w := make(chan struct{}, 1)
	o.lanes[dest] = w
	o.wg.Add(1)
	go o.lane(o.ctx, dest, w)
}

// sweep drops expired items and kicks every destination with items.
func (o *Outbox) sweep(ctx context.Context) {
	if err := o.expire(ctx); err != nil && ctx.Err() == nil {
		slog.Error("federation queue expiry", "err", err)
	}
	var dests []string
	err := o.st.View(func(tx *store.Tx) error {
		var err error
		dests, err = tx.Destinations()
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			slog.Error("federation queue destinations", "err", err)
		}
		return
	}
	for _, d := range dests {
		o.Kick(d)
	}
}

// lane sends the queue of dest until it is empty or ctx ends.
func (o *Outbox) lane(ctx context.Context, dest string, wake chan struct{}) {
	defer o.wg.Done()
	var c cursor
	defer func() { _ = c.settle() }() // the last answered operation finishes before Run returns
	for ctx.Err() == nil {
		wait, idle, err := o.advance(ctx, dest, &c)
		switch {
		case err != nil && ctx.Err() == nil:
			slog.Error("federation send", "destination", dest, "err", err)
			wait = o.timing.BaseBackoff
		case idle:
			if o.retire(dest, wake) {
				return
			}
			continue
		}
		if wait > 0 && !sleep(ctx, wait, wake) {
			return
		}
	}
	o.mu.Lock()
	delete(o.lanes, dest)
	o.mu.Unlock()
}

// retire removes the lane of dest unless a kick arrived meanwhile.
func (o *Outbox) retire(dest string, wake chan struct{}) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	select {
	case <-wake:
		return false
	default:
		delete(o.lanes, dest)
		return true
	}
}

// sleep waits d, or until a kick; false when ctx ended.
func sleep(ctx context.Context, d time.Duration, wake chan struct{}) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-wake:
	case <-t.C:
	}
	return true
}
