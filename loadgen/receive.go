package loadgen

import (
	"encoding/json"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/envelope"
)

// Arrival paths, as the increments of a delivery's arrival count: the
// event stream counts in the low 16 bits, a session socket in the high.
const (
	viaStream uint32 = 1
	viaSocket uint32 = 1 << 16
)

// envelope accounts one envelope that arrived for u at at, on its event
// stream or (onSocket) on one of its session sockets. The first arrival
// of a scheduled delivery is a delivery, measured from the message's
// intended send time; a later arrival on the same path is a duplicate
// (a new stream seq carrying a message already seen); a session envelope
// that came on the socket and then by federation, or the other way round,
// is a fallback the spec allows (SESS-FALLBACK-01) and is counted apart.
// With Options.Verify the envelope is also opened and its signature
// checked, as a real client would.
func (r *Runner) envelope(u *simUser, raw json.RawMessage, at time.Time, onSocket bool) {
	var head struct {
		ID string `json:"id"`
		TS int64  `json:"ts"`
	}
	if json.Unmarshal(raw, &head) != nil {
		r.countError("bad_envelope")
		return
	}
	i, ok := r.sched.Lookup(head.ID)
	var d uint32
	if ok {
		d, ok = r.sched.Delivery(i, u.id)
	}
	if !ok {
		r.stray.Add(1)
		return
	}
	m := r.sched.Messages[i]
	if s := int(at.Sub(r.epoch) / time.Second); s >= 0 && s < len(r.arrivals) {
		r.arrivals[s].Add(1)
	}
	path, same := viaStream, uint32(0xFFFF)
	if onSocket {
		path, same = viaSocket, 0xFFFF0000
	}
	switch before := r.counts[d].Add(path) - path; {
	case before&same != 0:
		r.mu.Lock()
		r.res.Class(string(m.Class)).Duplicated = append(r.res.Class(string(m.Class)).Duplicated, d)
		r.mu.Unlock()
		return
	case before != 0:
		r.redelivered.Add(1)
		return
	}
	// The envelope's ts is the intended time in whole milliseconds and the
	// sender's epoch is a whole millisecond, so the sub-millisecond part
	// comes from the schedule: this works across shards and processes.
	intended := time.UnixMilli(head.TS).Add(m.At % time.Millisecond)
	lat := at.Sub(intended)
	r.res.Latency[string(m.Class)].Record(lat)
	if s := int(m.At / time.Second); s < len(r.latSec) {
		r.latSec[s].Record(lat)
		r.delivSec[s].Add(1)
	}
	r.delivered.Add(1)
	if m.Class == Session && !r.peerOfSession(m) {
		r.sess.arrived(onSocket)
	}
	r.mu.Lock()
	r.res.Class(string(m.Class)).Delivered = append(r.res.Class(string(m.Class)).Delivered, d)
	r.mu.Unlock()
	if r.opts.Verify {
		r.open(u, m, raw)
	}
}

// open decrypts and verifies an envelope with the recipient's keys.
func (r *Runner) open(u *simUser, m Message, raw json.RawMessage) {
	start := time.Now()
	defer r.openedOne(m.Class, start)
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
