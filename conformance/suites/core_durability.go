package suites

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
)

var _ = Describe("Durability", Serial, func() {
	Conformance(Core, "keeps an accepted envelope across a restart of the server", Reqs("ENV-DURABLE-01", "STREAM-KEEP-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		id, r := w.Send(ctx, alice, bob.Bundle(), "survive this")
		ExpectStatus(r, 202)
		w.restart(ctx, w.A())
		bs := w.Stream(ctx, bob, -1)
		f := NextEvent(ctx, bs, "envelope")
		Expect(string(f.Event)).To(ContainSubstring(id))
	})

	Conformance(Federation, "keeps queued items across a restart and a partition", Reqs("FED-QUEUE-01"), func(ctx SpecContext, w *World) {
		alice := w.Register(ctx, w.A(), "alice")
		bob := w.Register(ctx, w.B(), "bob")
		ExpectStatus(w.Call(ctx, bob, "PATCH", "/emsg/v1/settings", map[string]any{"accept_strangers": true}), 200)
		By("a partition: b is cut off while a accepts an envelope for it")
		w.MustControl(w.Control().CutOff(ctx, w.B()))
		DeferCleanup(func(ctx context.Context) error { return w.Control().Restore(ctx, w.B()) })
		id, r := w.Send(ctx, alice, bob.Bundle(), "across the partition")
		ExpectStatus(r, 202)
		By("a restart of a while the item is queued")
		w.restart(ctx, w.A())
		w.MustControl(w.Control().Restore(ctx, w.B()))
		bs := w.Stream(ctx, bob, -1)
		f := NextEvent(ctx, bs, "envelope")
		Expect(string(f.Event)).To(ContainSubstring(id))
		if peer := env.Peer; peer != nil {
			By("and to the fake peer, answering 503 across a restart")
			_, mallory := w.peerAccount(peer)
			DeferCleanup(func() { peer.SetResponder(nil) })
			peer.SetResponder(func(fakepeer.Received) (int, []byte, bool) { return fakepeer.ServerError(fakepeer.Received{}) })
			id, r := w.Send(ctx, alice, mallory, "queued across a restart")
			ExpectStatus(r, 202)
			Eventually(ctx, func() []fakepeer.Received { return txnsWith(peer, id) }).WithTimeout(scale(deliveryTimeout)).ShouldNot(BeEmpty())
			w.restart(ctx, w.A())
			peer.SetResponder(nil)
			Eventually(ctx, func() []fakepeer.Received { return deliveredWith(peer, id) }).WithTimeout(scale(deliveryTimeout)).ShouldNot(BeEmpty())
		}
	})
})

// restart stops and starts domain, skipping the spec if the target cannot.
func (w *World) restart(ctx context.Context, domain string) {
	GinkgoHelper()
	By("restarting " + domain)
	w.MustControl(w.Control().Stop(ctx, domain))
	w.MustControl(w.Control().Start(ctx, domain))
}
