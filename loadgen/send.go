package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
)

// sealAhead is how many messages the sealers may run ahead of the
// schedule: sealing (about 0.2–0.4 ms of CPU each) happens before a
// message is due, so the crypto cost does not delay sends, yet it is
// real (every envelope is sealed to the recipient's key and signed).
const sealAhead = 4096

// outgoing is one message on its way: sealed ahead, posted when due.
type outgoing struct {
	m    Message
	body []byte
	err  error
	done chan struct{}
}

// runSchedule sends this shard's messages, each at its intended time,
// whatever the server's pace (the open model): sealers prepare them in
// order ahead of time, a dispatcher releases each when due, and a pool of
// posters sends them. A message released late because every poster is
// busy is measured from its intended time all the same. Churn runs beside.
func (r *Runner) runSchedule(ctx context.Context) {
	r.epoch = time.Now().Add(500 * time.Millisecond).Truncate(time.Millisecond)
	r.stage.Store("run")
	var mine []Message
	for _, m := range r.sched.Messages {
		if r.opts.Shard.Owns(m.From) {
			mine = append(mine, m)
		}
	}
	ordered := make(chan *outgoing, sealAhead)
	go r.seal(ctx, mine, ordered)
	due := make(chan *outgoing, r.opts.Posters)
	var posters sync.WaitGroup
	for range r.opts.Posters {
		posters.Go(func() {
			for o := range due {
				r.post(ctx, o)
			}
		})
	}
	churnDone := make(chan struct{})
	go func() { defer close(churnDone); r.churn(ctx) }()
	stepCtx, stopSteps := context.WithCancel(ctx)
	defer stopSteps()
	go r.watchSteps(stepCtx)
	for o := range ordered {
		<-o.done
		if !sleepUntil(ctx, r.epoch.Add(o.m.At)) || o.m.At >= time.Duration(r.stopAt.Load()) {
			break
		}
		due <- o
	}
	close(due)
	posters.Wait()
	stopSteps()
	r.unschedule()
	<-churnDone
}

// seal seals msgs on every core, handing them out in schedule order.
func (r *Runner) seal(ctx context.Context, msgs []Message, ordered chan<- *outgoing) {
	defer close(ordered)
	work := make(chan *outgoing, sealAhead)
	var wg sync.WaitGroup
	for range sealers() {
		wg.Go(func() {
			for o := range work {
				o.body, o.err = r.sealOne(o.m)
				close(o.done)
			}
		})
	}
	defer wg.Wait()
	defer close(work)
	for _, m := range msgs {
		o := &outgoing{m: m, done: make(chan struct{})}
		select {
		case ordered <- o:
		case <-ctx.Done():
			return
		}
		work <- o
	}
}

// sealOne builds message m's envelope: a text body of m.Size bytes from
// the sender to the recipient (or to the group, wrapped for every other
// member), sealed with the message's seeded randomness at its intended
// time, and serialises it.
func (r *Runner) sealOne(m Message) ([]byte, error) {
	start := time.Now()
	from, err := r.pop.Identity(m.From)
	if err != nil {
		return nil, err
	}
	to, readers, err := r.readersOf(m)
	if err != nil {
		return nil, err
	}
	deps := MessageDeps(r.sc.Seed, m.Index, r.epoch.Add(m.At))
	env, _, err := envelope.Seal(deps, from, to, readers,
		envelope.TextBody(strings.Repeat("x", m.Size)), envelope.Options{TTL: int(r.sc.TTL.D() / time.Second)})
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(env)
	r.sealedOne(m.Class, len(readers)+1, start)
	return raw, err
}

// readersOf returns the address m is sent to and the box keys of its
// readers other than the sender: the recipient, or every other member of
// the group (the keys derive from the seed, as a client would hold or
// fetch them).
func (r *Runner) readersOf(m Message) (address.Address, map[address.Address]*[32]byte, error) {
	out := map[address.Address]*[32]byte{}
	if !m.IsGroup() {
		box, err := r.pop.BoxKey(m.To)
		to := r.pop.Address(m.To)
		out[to] = box
		return to, out, err
	}
	g := &r.pop.groups[m.Group]
	for _, u := range g.Members {
		if u == m.From {
			continue
		}
		box, err := r.pop.BoxKey(u)
		if err != nil {
			return address.Address{}, nil, err
		}
		out[r.pop.Address(u)] = box
	}
	return g.Address, out, nil
}

// post sends one sealed message and records the sender's answer.
func (r *Runner) post(ctx context.Context, o *outgoing) {
	if o.err != nil {
		r.countError("seal")
		return
	}
	u := r.byID[o.m.From]
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if r.peerOfSession(o.m) {
		// A session peer's reply goes out on its socket at the initiator's
		// server; without one (not open yet, or gone), through its own.
		carried, err := r.sendOnSession(ctx, u, o)
		switch {
		case carried && err == nil:
			r.sess.sentOnSocket.Add(1)
			r.recordSent(o.m)
			return
		case carried && !temporary(err):
			r.countError(errorCode(err))
			return
		}
		r.sess.sentByFallback.Add(1)
	}
	// A temporary failure is tried again with the very same envelope, as a
	// real client does: (from, id) makes the retries one message. Each
	// failed attempt is counted under its code.
	var err error
	for delay := 50 * time.Millisecond; ; delay = min(2*delay, 2*time.Second) {
		err = r.cl.do(ctx, r.pop.Domain(o.m.From), u.tok(), "POST", "/emsg/v1/messages", o.body, nil)
		if err == nil {
			break
		}
		r.countError(errorCode(err))
		if !temporary(err) || !sleepUntil(ctx, time.Now().Add(delay)) {
			return
		}
	}
	r.recordSent(o.m)
}

// recordSent records message m as accepted: each of its deliveries.
func (r *Runner) recordSent(m Message) {
	n := int64(r.sched.Recipients(m))
	r.sent.Add(n)
	if s := int(m.At / time.Second); s < len(r.sentSec) {
		r.sentSec[s].Add(n)
	}
	r.mu.Lock()
	d := r.res.Class(string(m.Class))
	r.sched.RecipientsOf(m.Index, func(_ UserID, n uint32) { d.Sent = append(d.Sent, n) })
	r.res.Messages[string(m.Class)]++
	r.mu.Unlock()
}

// temporary reports whether a send may succeed if tried again.
func temporary(err error) bool {
	var ce *callError
	return errors.As(err, &ce) && (ce.Code == "network" || ce.Code == "rate_limited" || ce.Status >= 500)
}

// sleepUntil waits until t or ctx ends; false when ctx ended.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}
