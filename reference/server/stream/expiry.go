package stream

import (
	"bytes"
	"encoding/json"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// An envelope event stays in the account's log until the retention sweep
// removes it, which happens up to a sweep period after the envelope's
// expiry instant. A stream must not deliver it in that gap
// (TTL-DELIVER-01), so the pusher reads each envelope's ts and ttl and
// stops before one that has expired: the sweep then drops it, appends the
// "expired" event and wakes the stream, which goes on from there. Stopping
// (rather than skipping) keeps the acknowledgement cumulative: a client
// never acknowledges past an event it was not sent, so the sweep still
// finds the envelope unacknowledged and sends its expired receipt.
//
// Every envelope event is appended with its expiry, so the sweep always
// comes; should one ever be missing from the expiry index, the stream
// would stall. So an envelope expired for longer than [holdLimit] (the
// 60 s TTL-DELETE-01 gives the sweep, and a margin) is passed over
// instead: still never sent, but no longer holding the events behind it.

// holdLimit is how long after its expiry an envelope still holds the
// stream for the sweep.
const holdLimit wire.Millis = 90_000

// verdict is what the pusher does with one event.
type verdict int

const (
	deliver  verdict = iota // send it
	hold                    // an expired envelope: stop here until the sweep wakes the stream
	passOver                // an envelope long expired: never send it, go on after it
)

// envelopePrefix is how every envelope event begins (messaging and the
// federation inbox write the kind first), a cheap test before decoding.
var envelopePrefix = []byte(`{"kind":"envelope"`)

// SetClock sets the clock the hub judges expiry by (the server's deps;
// the system clock by default).
func (h *Hub) SetClock(now func() wire.Millis) { h.now.Store(&now) }

// clock returns the hub's current time.
func (h *Hub) clock() wire.Millis {
	if now := h.now.Load(); now != nil {
		return (*now)()
	}
	return wire.System().Millis()
}

// judge decides what the pusher does with event: deliver it, or, for an
// envelope whose expiry (ts + ttl × 1000) is not after now, hold or pass
// over it.
func (h *Hub) judge(event []byte) verdict {
	if !bytes.HasPrefix(event, envelopePrefix) {
		return deliver
	}
	var ev struct {
		Envelope struct {
			TS  wire.Millis `json:"ts"`
			TTL int64       `json:"ttl"`
		} `json:"envelope"`
	}
	if json.Unmarshal(event, &ev) != nil || ev.Envelope.TTL <= 0 {
		return deliver
	}
	expiry, now := ev.Envelope.TS+wire.Millis(ev.Envelope.TTL*1000), h.clock()
	switch {
	case expiry > now:
		return deliver
	case now-expiry < holdLimit:
		return hold
	}
	return passOver
}
