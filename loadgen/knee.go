package loadgen

import (
	"context"
	"math"
	"slices"
	"time"
)

// stepGrace is how long after a step ends the knee search judges it:
// a message still undelivered by then is far beyond any sensible SLO.
const stepGrace = 2 * time.Second

// watchSteps stops a knee search early: when a step's p99 (counting
// messages still undelivered stepGrace after the step as beyond the SLO)
// breaks the SLO, no later message is sent. Only a single-process run
// stops early: shards cannot agree on the moment without a coordinator,
// so a sharded search runs every step and the merge finds the knee.
func (r *Runner) watchSteps(ctx context.Context) {
	if r.sc.Step == nil || r.opts.Shard.Count > 1 {
		return
	}
	for _, st := range r.stepPlan() {
		if !sleepUntil(ctx, r.epoch.Add(time.Duration(st.To)*time.Second+stepGrace)) {
			return
		}
		if r.stepBroken(st.From, st.To, st.SLO.D()) {
			// Stop from now on (with a margin for the dispatcher's check):
			// what was due before has been released already.
			r.stopAt.Store(int64(time.Since(r.epoch) + 100*time.Millisecond))
			r.stage.Store("knee found")
			return
		}
	}
}

// stepBroken judges the seconds [from, to) of the run so far.
func (r *Runner) stepBroken(from, to int, slo time.Duration) bool {
	var sent, delivered int64
	for s := from; s < to && s < len(r.sentSec); s++ {
		sent += r.sentSec[s].Load()
		delivered += r.delivSec[s].Load()
	}
	if sent == 0 {
		return true
	}
	var over int64
	for s := from; s < to && s < len(r.latSec); s++ {
		h := r.latSec[s]
		n := h.Count()
		over += int64(math.Round(float64(n) * h.FractionAbove(slo)))
	}
	over += max(0, sent-delivered)
	return float64(over)/float64(sent) > 0.01
}

// unschedule drops from the results the deliveries a knee search never
// sent (due after it stopped), so they count as neither sent nor refused.
func (r *Runner) unschedule() {
	stop := time.Duration(r.stopAt.Load())
	r.mu.Lock()
	defer r.mu.Unlock()
	var scheduled int64
	for _, d := range r.res.Deliveries {
		d.Scheduled = slices.DeleteFunc(d.Scheduled, func(n uint32) bool { return r.sched.Messages[r.sched.MessageOf(n)].At >= stop })
		scheduled += int64(len(d.Scheduled))
	}
	var in int64
	for _, m := range r.sched.Messages {
		if m.At < stop {
			r.sched.RecipientsOf(m.Index, func(u UserID, _ uint32) {
				if r.opts.Shard.Owns(u) {
					in++
				}
			})
		}
	}
	r.expectIn = in
	r.scheduledN.Store(scheduled)
}
