package loadgen

import (
	"encoding/json"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/envelope"
)

// envelope accounts one envelope that arrived on u's stream at at: the
// first arrival of a scheduled message is a delivery, measured from the
// message's intended send time; a later arrival under a new seq is a
// duplicate. With Options.Verify the envelope is also opened and its
// signature checked, as a real client would.
func (r *Runner) envelope(u *simUser, raw json.RawMessage, at time.Time) {
	var head struct {
		ID string `json:"id"`
		TS int64  `json:"ts"`
	}
	if json.Unmarshal(raw, &head) != nil {
		r.countError("bad_envelope")
		return
	}
	i, ok := r.sched.Lookup(head.ID)
	if !ok || r.sched.Messages[i].To != u.id {
		r.stray.Add(1)
		return
	}
	m := r.sched.Messages[i]
	if s := int(at.Sub(r.epoch) / time.Second); s >= 0 && s < len(r.arrivals) {
		r.arrivals[s].Add(1)
	}
	if r.counts[i].Add(1) > 1 {
		r.mu.Lock()
		r.res.Duplicated = append(r.res.Duplicated, i)
		r.mu.Unlock()
		return
	}
	// The envelope's ts is the intended time in whole milliseconds and the
	// sender's epoch is a whole millisecond, so the sub-millisecond part
	// comes from the schedule: this works across shards and processes.
	intended := time.UnixMilli(head.TS).Add(m.At % time.Millisecond)
	lat := at.Sub(intended)
	r.res.Latency[string(r.pop.ClassOf(m))].Record(lat)
	if s := int(m.At / time.Second); s < len(r.latSec) {
		r.latSec[s].Record(lat)
		r.delivSec[s].Add(1)
	}
	r.delivered.Add(1)
	r.mu.Lock()
	r.res.Delivered = append(r.res.Delivered, i)
	r.mu.Unlock()
	if r.opts.Verify {
		r.open(u, m, raw)
	}
}

// open decrypts and verifies an envelope with the recipient's keys.
func (r *Runner) open(u *simUser, m Message, raw json.RawMessage) {
	start := time.Now()
	defer func() { r.openNanos.Add(int64(time.Since(start))); r.opened.Add(1) }()
	env, err := envelope.ParseEnvelope(raw)
	if err != nil {
		r.countError("bad_envelope")
		return
	}
	me, err1 := r.pop.Identity(u.id)
	from, err2 := r.pop.Identity(m.From)
	if err1 != nil || err2 != nil {
		r.countError("keys")
		return
	}
	in, err := envelope.Open(env, me.Address(), me.BoxPrivate(), from.Bundle().SignPublic())
	if err != nil || envelope.CheckRouting(env, in) != nil {
		r.countError("bad_signature")
	}
}
