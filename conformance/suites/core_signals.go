package suites

import (
	"encoding/json"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
)

// needSignals skips a spec when domain does not advertise signals.
func (w *World) needSignals(ctx SpecContext, domain string) {
	GinkgoHelper()
	if !w.Features(ctx, domain)["signals"] {
		Skip(domain + " does not advertise signals")
	}
}

// signal posts a signal for a.
func (w *World) signal(ctx SpecContext, a *probe.Account, body map[string]any) *probe.Response {
	GinkgoHelper()
	return w.Call(ctx, a, "POST", "/emsg/v1/signals", body)
}

var _ = Describe("Signals", func() {
	Conformance(Core, "pushes a typing signal to a contact as a frame without seq, and refuses one to a stranger", Reqs("EPH-FRAME-01", "EPH-AUDIENCE-01"), func(ctx SpecContext, w *World) {
		w.needSignals(ctx, w.A())
		alice, bob, carol := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.A(), "carol")
		w.Befriend(ctx, alice, bob)
		bs := w.Stream(ctx, bob, -1)
		NextFrame(ctx, bs, "ready")
		Expect(w.signal(ctx, alice, map[string]any{"kind": "typing", "to": bob.Addr, "state": "start"}).Status).To(BeNumerically("<", 300))
		f := NextFrame(ctx, bs, "signal")
		var raw map[string]json.RawMessage
		Expect(json.Unmarshal(f.Raw, &raw)).To(Succeed())
		Expect(raw).NotTo(HaveKey("seq"), "signals carry no seq")
		Expect(string(raw["signal"])).To(And(ContainSubstring(`"typing"`), ContainSubstring(alice.Addr.Local)))
		ExpectError(w.signal(ctx, alice, map[string]any{"kind": "typing", "to": carol.Addr, "state": "start"}), "forbidden")
	})

	Conformance(Core, "answers a refused signal frame with an error frame", Reqs("STREAM-SIGNAL-01"), func(ctx SpecContext, w *World) {
		w.needSignals(ctx, w.A())
		alice, carol := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "carol")
		as := w.Stream(ctx, alice, -1)
		NextFrame(ctx, as, "ready")
		Expect(as.Send(map[string]any{"type": "signal", "signal": map[string]any{"kind": "typing", "to": carol.Addr, "state": "start"}})).To(Succeed())
		Expect(NextFrame(ctx, as, "error").Error).To(Equal("forbidden"))
	})

	Conformance(Core, "sends presence only to accepted contacts, and nothing of an account that turned it off", Reqs("EPH-PRESENCE-01", "EPH-OFF-01"), func(ctx SpecContext, w *World) {
		w.needSignals(ctx, w.A())
		alice, bob, carol := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.A(), "carol")
		w.Befriend(ctx, alice, bob)
		bs, cs := w.Stream(ctx, bob, -1), w.Stream(ctx, carol, -1)
		NextFrame(ctx, bs, "ready")
		NextFrame(ctx, cs, "ready")
		Expect(w.signal(ctx, alice, map[string]any{"kind": "presence", "state": "online"}).Status).To(BeNumerically("<", 300))
		Expect(string(NextFrame(ctx, bs, "signal").Raw)).To(ContainSubstring(`"presence"`))
		noFrame(ctx, cs, "signal")
		By("alice turns presence off")
		ExpectStatus(w.Call(ctx, alice, "PATCH", "/emsg/v1/settings", map[string]any{"presence": false, "typing": false}), 200)
		w.signal(ctx, alice, map[string]any{"kind": "presence", "state": "away"})
		w.signal(ctx, alice, map[string]any{"kind": "typing", "to": bob.Addr, "state": "start"})
		noFrame(ctx, bs, "signal")
	})

	Conformance(Core, "never stores a signal for a recipient who is not connected", Reqs("EPH-NOSTORE-01"), func(ctx SpecContext, w *World) {
		w.needSignals(ctx, w.A())
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		w.signal(ctx, alice, map[string]any{"kind": "typing", "to": bob.Addr, "state": "start"})
		bs := w.Stream(ctx, bob, -1)
		NextFrame(ctx, bs, "ready")
		noFrame(ctx, bs, "signal")
	})

	Conformance(Core, "rate-limits signals with rate_limited and the same Retry-After in header and body", Reqs("EPH-RATE-01", "LIMIT-RATE-01"), func(ctx SpecContext, w *World) {
		w.needSignals(ctx, w.A())
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		var limited *probe.Response
		for i := 0; i < 500 && limited == nil; i++ {
			if r := w.signal(ctx, alice, map[string]any{"kind": "typing", "to": bob.Addr, "state": "start"}); r.Code() == "rate_limited" {
				limited = r
			}
		}
		Expect(limited).NotTo(BeNil(), "500 signals in a burst were never rate-limited")
		var body struct {
			RetryAfter int `json:"retry_after"`
		}
		Expect(limited.Decode(&body)).To(Succeed())
		Expect(body.RetryAfter).To(BeNumerically(">=", 1))
		Expect(limited.Header.Get("Retry-After")).To(Equal(strconv.Itoa(body.RetryAfter)))
	})
})

// noFrame fails the spec if a frame of typ arrives on s within the quiet
// period.
func noFrame(ctx SpecContext, s *probe.Stream, typ string) {
	GinkgoHelper()
	Consistently(ctx, func() string {
		for {
			f, ok := s.Poll()
			if !ok {
				return ""
			}
			if f.Type == typ {
				return string(f.Raw)
			}
		}
	}).WithTimeout(scale(quietPeriod)).Should(BeEmpty(), "no %s frame", typ)
}
