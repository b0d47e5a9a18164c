package suites

import (
	"context"
	"encoding/json"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
)

// Signal specs beyond core_signals.go: settings off in both directions,
// stream signal frames answered by nothing or rate_limited, and signals
// to another server dropped, never queued, while it is unreachable.

// signalFrame is a signal frame's signal as delivered.
type signalFrame struct {
	Kind  string `json:"kind"`
	From  string `json:"from"`
	To    string `json:"to"`
	State string `json:"state"`
}

// typing is the request body of a typing signal to addr.
func typing(to *probe.Account, state string) map[string]any {
	return map[string]any{"kind": "typing", "to": to.Addr, "state": state}
}

// presence is the request body of a presence signal.
func presence(state string) map[string]any { return map[string]any{"kind": "presence", "state": state} }

// signalStream opens a's stream and waits for ready.
func (w *World) signalStream(ctx context.Context, a *probe.Account) *probe.Stream {
	GinkgoHelper()
	s := w.Stream(ctx, a, -1)
	NextFrame(ctx, s, "ready")
	return s
}

// nextSignal waits on s for a signal frame matching want (kind, from,
// state), skipping other signals and events; it checks the frame has no
// seq (EPH-FRAME-01).
func nextSignal(ctx context.Context, s *probe.Stream, want signalFrame) signalFrame {
	GinkgoHelper()
	var got signalFrame
	var raw json.RawMessage
	Eventually(ctx, func() bool {
		for {
			f, ok := s.Poll()
			if !ok {
				return false
			}
			if f.Type != "signal" {
				continue
			}
			var fr struct {
				Signal signalFrame `json:"signal"`
			}
			_ = json.Unmarshal(f.Raw, &fr)
			if fr.Signal.Kind == want.Kind && fr.Signal.From == want.From && fr.Signal.State == want.State {
				got, raw = fr.Signal, f.Raw
				return true
			}
		}
	}).WithTimeout(scale(eventTimeout)).WithPolling(5*time.Millisecond).Should(BeTrue(), "a %s signal %s from %s", want.Kind, want.State, want.From)
	var members map[string]json.RawMessage
	Expect(json.Unmarshal(raw, &members)).To(Succeed())
	Expect(members).NotTo(HaveKey("seq"), "a signal frame has no seq: %s", raw)
	return got
}

// noSignal fails the spec if a signal frame arrives on s within the quiet
// period.
func noSignal(ctx context.Context, s *probe.Stream) {
	GinkgoHelper()
	Consistently(ctx, func() string {
		for {
			f, ok := s.Poll()
			if !ok {
				return ""
			}
			if f.Type == "signal" {
				return string(f.Raw)
			}
		}
	}).WithTimeout(scale(quietPeriod)).WithPolling(20*time.Millisecond).Should(BeEmpty(), "no signal frame")
}

// setting patches one boolean setting of a.
func (w *World) setting(ctx context.Context, a *probe.Account, name string, on bool) {
	GinkgoHelper()
	ExpectStatus(w.Call(ctx, a, "PATCH", "/emsg/v1/settings", map[string]any{name: on}), 200)
}

var _ = Describe("Signals, further", func() {
	Conformance(Core, "neither sends nor delivers typing to or from an account that turned it off, nor presence to or from one that turned it off", Reqs("EPH-OFF-01"), func(ctx SpecContext, w *World) {
		w.needSignals(ctx, w.A())
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		as, bs := w.signalStream(ctx, alice), w.signalStream(ctx, bob)
		w.setting(ctx, bob, "typing", false)
		By("bob receives no typing")
		ExpectStatus(w.signal(ctx, alice, typing(bob, "start")), 202)
		By("bob sends no typing")
		ExpectStatus(w.signal(ctx, bob, typing(alice, "start")), 202)
		By("alice sends no presence")
		w.setting(ctx, alice, "presence", false)
		ExpectStatus(w.signal(ctx, alice, presence("online")), 202)
		noSignal(ctx, bs)
		noSignal(ctx, as)
		By("alice, with presence off, receives none either")
		ExpectStatus(w.signal(ctx, bob, presence("away")), 202)
		noSignal(ctx, as)
	})

	Conformance(Core, "answers a stream signal frame it refuses with an error frame of that code and an accepted one with nothing", Reqs("STREAM-SIGNAL-01"), func(ctx SpecContext, w *World) {
		w.needSignals(ctx, w.A())
		alice, bob, carol := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.A(), "carol")
		w.Befriend(ctx, alice, bob)
		as, bs := w.signalStream(ctx, alice), w.signalStream(ctx, bob)
		Expect(as.Send(map[string]any{"type": "signal", "signal": typing(bob, "start")})).To(Succeed())
		nextSignal(ctx, bs, signalFrame{Kind: "typing", From: alice.Addr.String(), State: "start"})
		Consistently(ctx, func() string {
			if f, ok := as.Poll(); ok && f.Type != "event" {
				return string(f.Raw)
			}
			return ""
		}).WithTimeout(scale(quietPeriod)).Should(BeEmpty(), "no frame answers an accepted signal")
		Expect(as.Send(map[string]any{"type": "signal", "signal": typing(carol, "start")})).To(Succeed())
		f := NextFrame(ctx, as, "error")
		Expect(f.Error).To(Equal("forbidden"), "got %s", f.Raw)
		By("the excess of a burst is refused with rate_limited and retry_after")
		for range 200 {
			Expect(as.Send(map[string]any{"type": "signal", "signal": typing(bob, "stop")})).To(Succeed())
		}
		f = NextFrame(ctx, as, "error")
		Expect(f.Error).To(Equal("rate_limited"), "got %s", f.Raw)
		var e struct {
			RetryAfter int `json:"retry_after"`
		}
		Expect(json.Unmarshal(f.Raw, &e)).To(Succeed())
		Expect(e.RetryAfter).To(BeNumerically(">=", 1), "got %s", f.Raw)
	})

	Conformance(Federation, "forwards a signal to another server at once and never queues or retries it", Reqs("FED-SIGNALS-01", "EPH-NOSTORE-01"), func(ctx SpecContext, w *World) {
		w.needSignals(ctx, w.A())
		w.needSignals(ctx, w.B())
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.B(), "bob")
		w.befriendBoth(ctx, alice, bob)
		bs := w.signalStream(ctx, bob)
		ExpectStatus(w.signal(ctx, alice, typing(bob, "start")), 202)
		nextSignal(ctx, bs, signalFrame{Kind: "typing", From: alice.Addr.String(), State: "start"})
		By("a signal sent while the peer is unreachable is dropped")
		w.MustControl(w.Control().CutOff(ctx, w.B()))
		DeferCleanup(func(ctx context.Context) { _ = w.Control().Restore(ctx, w.B()) })
		ExpectStatus(w.signal(ctx, alice, typing(bob, "stop")), 202)
		By("the peer stays unreachable while the sender forwards the signal (it may do so after its 202)")
		Consistently(ctx, func() error {
			_, err := w.P.JSON(ctx, "GET", w.B(), "/emsg/v1/health", nil, nil)
			return err
		}).WithTimeout(scale(quietPeriod)).WithPolling(100*time.Millisecond).Should(HaveOccurred(), "%s is cut off", w.B())
		w.MustControl(w.Control().Restore(ctx, w.B()))
		bs = w.signalStream(ctx, bob)
		By("an envelope sent after it arrives, and the signal never does")
		id, r := w.Send(ctx, alice, bob.Bundle(), "after the dropped signal")
		ExpectStatus(r, 202)
		Expect(framesUntil(ctx, bs, id)).NotTo(ContainElement(HaveField("Type", "signal")), "no signal before the envelope")
		noSignal(ctx, bs)
	})
})

// framesUntil returns the frames s receives up to the envelope event id.
func framesUntil(ctx context.Context, s *probe.Stream, id string) []probe.Frame {
	GinkgoHelper()
	var seen []probe.Frame
	Eventually(ctx, func() bool {
		for {
			f, ok := s.Poll()
			if !ok {
				return false
			}
			seen = append(seen, f)
			if f.Type == "event" && f.Kind() == "envelope" {
				if eid, _ := envelopeOf(f); eid == id {
					return true
				}
			}
		}
	}).WithTimeout(scale(deliveryTimeout)).WithPolling(5*time.Millisecond).Should(BeTrue(), "the envelope %s", id)
	return seen
}
