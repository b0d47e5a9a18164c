package suites

import (
	"context"
	"encoding/json"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
)

// Ephemeral signals (feature `signals`): typing and presence, pushed at
// once as seq-less signal frames, never stored, queued or retried.

// signalFrame is a signal frame's signal as delivered.
type signalFrame struct {
	Kind  string `json:"kind"`
	From  string `json:"from"`
	To    string `json:"to"`
	State string `json:"state"`
}

// needSignals skips the spec unless every domain advertises signals.
func (w *World) needSignals(ctx context.Context, domains ...string) {
	GinkgoHelper()
	for _, d := range domains {
		if !w.Features(ctx, d)["signals"] {
			Skip(d + " does not advertise signals")
		}
	}
}

// typing is the request body of a typing signal to addr.
func typing(to *probe.Account, state string) map[string]any {
	return map[string]any{"kind": "typing", "to": to.Addr, "state": state}
}

// presence is the request body of a presence signal.
func presence(state string) map[string]any { return map[string]any{"kind": "presence", "state": state} }

// sendSignal posts a signal as a.
func (w *World) sendSignal(ctx context.Context, a *probe.Account, body map[string]any) *probe.Response {
	GinkgoHelper()
	return w.Call(ctx, a, "POST", "/emsg/v1/signals", body)
}

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

var _ = Describe("Signals", func() {
	Conformance(Core, "pushes typing to the contact and presence to accepted contacts only, as seq-less signal frames", Reqs("EPH-FRAME-01", "EPH-PRESENCE-01"), func(ctx SpecContext, w *World) {
		w.needSignals(ctx, w.A())
		alice, bob, carol := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.A(), "carol")
		w.Befriend(ctx, alice, bob)
		bs, cs := w.signalStream(ctx, bob), w.signalStream(ctx, carol)
		ExpectStatus(w.sendSignal(ctx, alice, typing(bob, "start")), 202)
		got := nextSignal(ctx, bs, signalFrame{Kind: "typing", From: alice.Addr.String(), State: "start"})
		Expect(got.To).To(Equal(bob.Addr.String()))
		ExpectStatus(w.sendSignal(ctx, alice, presence("online")), 202)
		nextSignal(ctx, bs, signalFrame{Kind: "presence", From: alice.Addr.String(), State: "online"})
		noSignal(ctx, cs)
	})

	Conformance(Core, "refuses typing to an address that is neither a contact nor a group of the caller with forbidden", Reqs("EPH-AUDIENCE-01"), func(ctx SpecContext, w *World) {
		w.needSignals(ctx, w.A())
		alice, carol := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "carol")
		cs := w.signalStream(ctx, carol)
		ExpectError(w.sendSignal(ctx, alice, typing(carol, "start")), "forbidden")
		noSignal(ctx, cs)
	})

	Conformance(Core, "neither sends nor delivers typing or presence of an account that turned them off", Reqs("EPH-OFF-01"), func(ctx SpecContext, w *World) {
		w.needSignals(ctx, w.A())
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		as, bs := w.signalStream(ctx, alice), w.signalStream(ctx, bob)
		w.setting(ctx, bob, "typing", false)
		By("bob receives no typing")
		ExpectStatus(w.sendSignal(ctx, alice, typing(bob, "start")), 202)
		By("bob sends no typing")
		ExpectStatus(w.sendSignal(ctx, bob, typing(alice, "start")), 202)
		By("alice sends no presence")
		w.setting(ctx, alice, "presence", false)
		ExpectStatus(w.sendSignal(ctx, alice, presence("online")), 202)
		noSignal(ctx, bs)
		noSignal(ctx, as)
		By("alice, with presence off, receives none either")
		ExpectStatus(w.sendSignal(ctx, bob, presence("away")), 202)
		noSignal(ctx, as)
	})

	Conformance(Core, "rate-limits signals per account with rate_limited and retry_after", Reqs("EPH-RATE-01"), func(ctx SpecContext, w *World) {
		w.needSignals(ctx, w.A())
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		var limited *probe.Response
		for i := 0; i < 200 && limited == nil; i++ {
			if r := w.sendSignal(ctx, alice, typing(bob, "start")); r.Status == 429 {
				limited = r
			} else {
				ExpectStatus(r, 202)
			}
		}
		Expect(limited).NotTo(BeNil(), "200 signals in a burst, none refused")
		ExpectError(limited, "rate_limited")
		var e struct {
			RetryAfter int `json:"retry_after"`
		}
		Expect(limited.Decode(&e)).To(Succeed())
		Expect(e.RetryAfter).To(BeNumerically(">=", 1))
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

	Conformance(Core, "does not store a signal for a recipient who is not connected", Reqs("EPH-NOSTORE-01"), func(ctx SpecContext, w *World) {
		w.needSignals(ctx, w.A())
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		ExpectStatus(w.sendSignal(ctx, alice, typing(bob, "start")), 202)
		bs := w.signalStream(ctx, bob)
		noSignal(ctx, bs)
	})

	Conformance(Federation, "forwards a signal to another server at once and never queues or retries it", Reqs("FED-SIGNALS-01", "EPH-NOSTORE-01"), func(ctx SpecContext, w *World) {
		w.needSignals(ctx, w.A(), w.B())
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.B(), "bob")
		w.befriendBoth(ctx, alice, bob)
		bs := w.signalStream(ctx, bob)
		ExpectStatus(w.sendSignal(ctx, alice, typing(bob, "start")), 202)
		nextSignal(ctx, bs, signalFrame{Kind: "typing", From: alice.Addr.String(), State: "start"})
		By("a signal sent while the peer is unreachable is dropped")
		w.MustControl(w.Control().CutOff(ctx, w.B()))
		DeferCleanup(func(ctx context.Context) { _ = w.Control().Restore(ctx, w.B()) })
		ExpectStatus(w.sendSignal(ctx, alice, typing(bob, "stop")), 202)
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
