package loadgen

import (
	"sync/atomic"
	"time"

	"github.com/emsg-project/emsg/loadgen/results"
)

// nClasses is the number of delivery classes ([Classes]).
const nClasses = 4

// index is c's position in [Classes].
func (c Class) index() int {
	switch c {
	case SameDomain:
		return 0
	case CrossDomain:
		return 1
	case Session:
		return 2
	}
	return 3
}

// costCounters add up the crypto of one class: envelopes sealed, the
// wrapped keys they carry (one per reader, the sender included) and the
// time, and envelopes opened and verified.
type costCounters struct {
	sealed, sealNanos, boxes, opened, openNanos atomic.Int64
}

// sealedOne counts one envelope of class c sealed for readers readers
// (the sender included) since start.
func (r *Runner) sealedOne(c Class, readers int, start time.Time) {
	k := &r.crypto[c.index()]
	k.sealNanos.Add(int64(time.Since(start)))
	k.sealed.Add(1)
	k.boxes.Add(int64(readers))
}

// openedOne counts one envelope of class c opened and verified since start.
func (r *Runner) openedOne(c Class, start time.Time) {
	k := &r.crypto[c.index()]
	k.openNanos.Add(int64(time.Since(start)))
	k.opened.Add(1)
}

// cryptoCost is the crypto cost by class and in all.
func (r *Runner) cryptoCost() results.Crypto {
	out := results.Crypto{ByClass: map[string]results.Cost{}}
	for _, c := range Classes {
		k := &r.crypto[c.index()]
		cost := results.Cost{Sealed: k.sealed.Load(), SealNanos: k.sealNanos.Load(), Boxes: k.boxes.Load(),
			Opened: k.opened.Load(), OpenNanos: k.openNanos.Load()}
		if cost != (results.Cost{}) {
			out.ByClass[string(c)] = cost
		}
		out.Add(cost)
	}
	return out
}
