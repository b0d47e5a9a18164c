package suites

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/keys"
)

// ackWait is how long a host waits for the peer's ack of an envelope
// offered on the socket before it falls back to federation.
const ackWait = 30 * time.Second

// sendOn sends an envelope sealed by from to the bundle on a session
// socket and returns its id and the result frame that answers it.
func sendOn(ctx context.Context, sock *probe.Stream, from *probe.Account, to keys.Bundle, ref, text string) (string, probe.Frame) {
	GinkgoHelper()
	env, err := from.Seal(to, text)
	Expect(err).NotTo(HaveOccurred())
	Expect(sock.Send(map[string]any{"type": "send", "ref": ref, "envelope": env})).To(Succeed())
	f := NextFrame(ctx, sock, "result")
	Expect(f.Ref).To(Equal(ref), "the result answers the send frame %s", ref)
	return env.ID, f
}

var _ = Describe("Session carriage", func() {
	Conformance(Sessions, "carries the initiator's envelopes to the peer's socket and the peer's to the initiator, refusing any other envelope with forbidden", Reqs("SESS-SEND-01"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		sock := w.join(ctx, s)
		By("the initiator's envelope arrives on the socket")
		id, r := w.Send(ctx, s.alice, s.bob.Bundle(), "carried by the host")
		ExpectStatus(r, 202)
		f := nextEnvelope(ctx, sock, id)
		Expect(f.Seq).To(BeNumerically(">=", 1))
		Expect(sock.Ack(f.Seq)).To(Succeed())
		By("the peer's envelope to the initiator is accepted and delivered")
		reply, res := sendOn(ctx, sock, s.bob, s.alice.Bundle(), "r1", "answered on the socket")
		Expect(res.Status).To(Equal(202), "got %s", res.Raw)
		Expect(res.ID).To(Equal(reply))
		nextEnvelope(ctx, s.as, reply)
		By("an envelope to someone other than the initiator is forbidden")
		dave := w.Register(ctx, w.A(), "dave")
		_, res = sendOn(ctx, sock, s.bob, dave.Bundle(), "r2", "not for the initiator")
		Expect(res.Status == 403 && res.Error == "forbidden").To(BeTrue(), "got %s, want a result with 403 forbidden", res.Raw)
		By("an envelope from someone other than the peer is forbidden")
		carol := w.Register(ctx, w.B(), "carol")
		_, res = sendOn(ctx, sock, carol, s.alice.Bundle(), "r3", "not from the peer")
		Expect(res.Status == 403 && res.Error == "forbidden").To(BeTrue(), "got %s, want a result with 403 forbidden", res.Raw)
	})

	Conformance(Sessions, "delivers through federation an envelope the peer had not acknowledged when its socket closed", Reqs("SESS-FALLBACK-01"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		sock := w.join(ctx, s)
		id, r := w.Send(ctx, s.alice, s.bob.Bundle(), "never acknowledged on the socket")
		ExpectStatus(r, 202)
		nextEnvelope(ctx, sock, id)
		Expect(sock.CloseWith(1001)).To(Succeed(), "going away, without an ack")
		nextEnvelope(ctx, s.bs, id)
	})

	Conformance(Sessions, "delivers through federation an envelope the peer has not acknowledged on its open socket within 30 seconds", Reqs("SESS-FALLBACK-01"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		sock := w.join(ctx, s)
		id, r := w.Send(ctx, s.alice, s.bob.Bundle(), "offered on the socket, never acknowledged")
		ExpectStatus(r, 202)
		nextEnvelope(ctx, sock, id)
		envelopeWithin(ctx, s.bs, id, ackWait+deliveryTimeout)
	}, SpecTimeout(scale(ackWait+2*deliveryTimeout)), Label("slow"), Slow)

	Conformance(Sessions, "delivers through federation while the peer is not connected", Reqs("SESS-FALLBACK-01"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		By("before the peer ever connected")
		id, r := w.Send(ctx, s.alice, s.bob.Bundle(), "no socket yet")
		ExpectStatus(r, 202)
		nextEnvelope(ctx, s.bs, id)
		By("after the peer's socket went away")
		sock := w.join(ctx, s)
		Expect(sock.CloseWith(1001)).To(Succeed())
		Eventually(ctx, sock.Done()).Should(BeClosed())
		id, r = w.Send(ctx, s.alice, s.bob.Bundle(), "the socket went away")
		ExpectStatus(r, 202)
		nextEnvelope(ctx, s.bs, id)
	})
})
