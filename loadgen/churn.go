package loadgen

import (
	"context"
	"runtime"
	"slices"
	"time"
)

// sealers is how many goroutines seal envelopes: one per core.
func sealers() int { return runtime.GOMAXPROCS(0) }

// flip is one user going online or offline at an offset of the run.
type flip struct {
	at     time.Duration
	u      *simUser
	online bool
}

// churn connects and disconnects this shard's users at the instants the
// population's online model says, until the schedule ends. Messages to a
// user who is offline queue on its server and arrive when it comes back.
func (r *Runner) churn(ctx context.Context) {
	var flips []flip
	for _, u := range r.users {
		on, at := r.pop.Flips(u.id)
		for _, t := range at {
			on = !on
			flips = append(flips, flip{at: t, u: u, online: on})
		}
	}
	slices.SortFunc(flips, func(a, b flip) int { return int(a.at - b.at) })
	sem := make(chan struct{}, 64)
	for _, f := range flips {
		if !sleepUntil(ctx, r.epoch.Add(f.at)) {
			return
		}
		f.u.mu.Lock()
		f.u.online = f.online
		f.u.mu.Unlock()
		if !f.online {
			r.disconnect(f.u)
			continue
		}
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			if err := r.connect(ctx, f.u); err != nil {
				r.countError(errorCode(err))
			}
		}()
	}
}

// drain brings every user of the shard online, so that what queued for
// offline users arrives, and waits until every message to the shard's
// users has arrived (in a single-shard run: every message accepted), or
// the scenario's drain time has passed. What has not arrived by then is
// lost.
func (r *Runner) drain(ctx context.Context) {
	r.stage.Store("drain")
	_ = parallel(ctx, r.users, r.opts.Setup, func(u *simUser) error {
		u.mu.Lock()
		u.online = true
		u.mu.Unlock()
		if err := r.connect(ctx, u); err != nil {
			r.countError(errorCode(err))
		}
		return nil
	})
	ctx, cancel := context.WithTimeout(ctx, r.sc.Drain.D())
	defer cancel()
	single := r.opts.Shard.Count <= 1
	_ = r.await(ctx, "drain", func() bool {
		d := r.delivered.Load()
		return d >= r.expectIn || (single && d >= r.sent.Load())
	}, func() string { return "" })
}
