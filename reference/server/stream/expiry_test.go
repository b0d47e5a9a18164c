package stream

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// envelopeEvent is an envelope event (the example of envelope.json)
// dated ts with ttl seconds.
func envelopeEvent(ts wire.Millis, ttl int) string {
	return fmt.Sprintf(`{"kind":"envelope","envelope":{"v":1,"id":"01HF7YAT00011WPRHPQ49SFGWC","from":"alice#a.test","to":"bob#b.test","ts":%d,"ttl":%d,"keys":{"bob#b.test":"8s-PJMVKRtV4GIyeQbfry7qZl3YWnfKf7ni9UlkUZ31e_ooWrbCcXPAiDGeEOOmOjElkzOCViuMLrV7vEI-uMuUIGQ6N08HabLD-Zb1CdkU","alice#a.test":"Y-lUVj_8DnGjIQ1NNV8Od1sumKKT5E0ce7cw8r7hd9Dgy28DDTcpvU6AfQi0bjdHH8BmfdfaBSJjXqcLyRp4F9gvzhWHcWOB15vB-mhZZHQ"},"payload":"64NI0CDAgo5-NTanaHfZ-WCa9hQ6F1Y16IyloQBQEqzmegZ2ackEXfbWXf6xI-2H42flp4yhyljsR0pdv_QUiChsaiIQsQDmpJq5JHpuCqNUryVjSNP79PDfdgQ4RUyToHRrfv7nIx39Xl6MNF-MeC2mvjR6_iZaGux5i5bQ3b5hZCmkSI9nAzAlnFAnUvtR77T34ws8jIiJFKfTWDNwvbViHYWdev0xhhF7eDglOuMV5afd_bcPFfVvAx7EOg"}}`, ts, ttl)
}

// appendRaw stores ev for alice without the schema check and notifies.
func (e *env) appendRaw(t *testing.T, ev string, expires wire.Millis) {
	t.Helper()
	err := e.st.Update(context.Background(), func(tx *store.Tx) error {
		_, err := tx.AppendEvent(alice.String(), []byte(ev), expires)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	e.hub.Notify(alice)
}

// TTL-DELIVER-01: the stream never sends an envelope past its expiry
// instant, though the sweep has not removed it yet; it holds the events
// after it until the sweep has, so that acks stay cumulative.
func TestExpiredEnvelopeIsHeldForTheSweep(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	var now atomic.Int64
	now.Store(1_500)
	e.hub.SetClock(func() wire.Millis { return wire.Millis(now.Load()) })
	e.appendRaw(t, envelopeEvent(1_000, 1), 2_000) // expires at 2000
	c := e.open(t, "alice-token", "", 0)
	c.wantEvent(1) // not expired yet: delivered
	_ = c.ws.Close()

	now.Store(2_000) // the expiry instant: no longer delivered
	c = e.open(t, "alice-token", "", 0)
	e.appendRaw(t, event(1), 0)
	c.sync() // neither the expired envelope nor the event after it

	// The sweep removes the envelope and wakes the stream.
	err := e.st.Update(context.Background(), func(tx *store.Tx) error {
		_, _, err := tx.ExpireEvents(wire.Millis(now.Load()), 10)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	e.hub.Notify(alice)
	c.wantEvent(2)
	c.sync()
}

// Events that are not envelopes, or envelopes with no readable expiry,
// are delivered; an expired envelope holds the stream for the sweep, and
// one expired long ago is passed over.
func TestJudge(t *testing.T) {
	h := &Hub{}
	h.SetClock(func() wire.Millis { return 100_000 })
	for _, tc := range []struct {
		event string
		want  verdict
	}{
		{envelopeEvent(95_000, 1), hold},                       // expired at 96000
		{envelopeEvent(99_000, 1), hold},                       // the expiry instant itself
		{envelopeEvent(99_500, 1), deliver},                    // expires at 100500
		{envelopeEvent(1_000, 1), passOver},                    // expired 98 s ago: the sweep missed it
		{event(1), deliver},                                    // another kind
		{`{"kind":"envelope","envelope":{"ts":"x"}}`, deliver}, // unreadable: left to the sweep
		{`{"kind":"receipt","receipt":{"ts":1,"ttl":1}}`, deliver},
	} {
		if got := h.judge([]byte(tc.event)); got != tc.want {
			t.Errorf("judge(%.60s) = %v, want %v", tc.event, got, tc.want)
		}
	}
}

// An envelope the sweep never removes does not stall the stream for ever.
func TestLongExpiredEnvelopeIsPassedOver(t *testing.T) {
	e := newEnv(t, time.Hour, nil)
	e.hub.SetClock(func() wire.Millis { return 1_000_000 })
	e.appendRaw(t, envelopeEvent(1_000, 1), 0) // not in the expiry index
	e.appendRaw(t, event(1), 0)
	c := e.open(t, "alice-token", "", 0)
	c.wantEvent(2)
	c.sync()
}
