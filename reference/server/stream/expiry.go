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

// expiredEnvelope reports whether event is an envelope event whose
// envelope expired (ts + ttl × 1000 ≤ now).
func (h *Hub) expiredEnvelope(event []byte) bool {
	if !bytes.HasPrefix(event, envelopePrefix) {
		return false
	}
	var ev struct {
		Envelope struct {
			TS  wire.Millis `json:"ts"`
			TTL int64       `json:"ttl"`
		} `json:"envelope"`
	}
	if json.Unmarshal(event, &ev) != nil || ev.Envelope.TTL <= 0 {
		return false
	}
	return ev.Envelope.TS+wire.Millis(ev.Envelope.TTL*1000) <= h.clock()
}
