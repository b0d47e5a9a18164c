package suites

import (
	"encoding/json"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/keys"
)

// envelopeItem wraps an envelope as a federation item.
func envelopeItem(env any) map[string]any { return map[string]any{"kind": "envelope", "envelope": env} }

// peerEnvelope seals an envelope from a fresh fake-peer account to bob.
func peerEnvelope(w *World, peer *fakepeer.Peer, to keys.Bundle) (*probe.Account, any) {
	GinkgoHelper()
	id, err := peer.NewAccount(probe.FreshLocal("mallory"))
	Expect(err).NotTo(HaveOccurred())
	sender := &probe.Account{P: w.P, ID: id, Addr: id.Address()}
	env, err := sender.Seal(to, "from the fake peer")
	Expect(err).NotTo(HaveOccurred())
	return sender, env
}

// strangerOK lets anyone message the account.
func strangerOK(ctx SpecContext, w *World, a *probe.Account) {
	GinkgoHelper()
	ExpectStatus(w.Call(ctx, a, "PATCH", "/emsg/v1/settings", map[string]any{"accept_strangers": true}), 200)
}

var _ = Describe("Federation inbox", func() {
	Conformance(Federation, "refuses transactions without a valid signature for itself", Reqs("FED-AUTH-01", "FED-AUTH-02", "FED-AUTH-03", "FED-AUTH-04", "FED-AUTH-05", "FED-AUTH-07"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		bob := w.Register(ctx, w.A(), "bob")
		_, env := peerEnvelope(w, peer, bob.Bundle())
		other, err := fedsig.NewServerKey(peer.Deps, "ed25519:other")
		Expect(err).NotTo(HaveOccurred())
		for _, tc := range []struct {
			name string
			opts fakepeer.SendOptions
			code string
		}{
			{"no Authorization header", fakepeer.SendOptions{NoAuthorization: true}, "unauthorized"},
			{"a header that does not parse", fakepeer.SendOptions{Authorization: `EMSG-Federation origin="x"`}, "bad_request"},
			{"signed for another destination", fakepeer.SendOptions{SignedDestination: w.B()}, "forbidden"},
			{"signed ten minutes ago", fakepeer.SendOptions{Skew: -10 * time.Minute}, "unauthorized"},
			{"an unpublished key id", fakepeer.SendOptions{KeyID: "ed25519:nope"}, "unauthorized"},
			{"a signature by another key", fakepeer.SendOptions{SignWith: &other}, "bad_signature"},
			{"a body changed after signing", fakepeer.SendOptions{Tamper: true}, "bad_signature"},
		} {
			By(tc.name)
			txn, err := peer.Transaction(w.A(), envelopeItem(env))
			Expect(err).NotTo(HaveOccurred())
			r, err := peer.Send(ctx, w.P, txn, tc.opts)
			Expect(err).NotTo(HaveOccurred())
			ExpectError(r, tc.code)
		}
	})

	Conformance(Federation, "refuses a body whose origin differs from the signature's", Reqs("FED-AUTH-06"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		txn := fakepeer.Transaction{Origin: w.C(), Destination: w.A(), Txn: fakepeer.NewTxn(), Items: []json.RawMessage{json.RawMessage(`{"kind":"receipt"}`)}}
		body, _ := json.Marshal(txn)
		r, err := peer.SendBody(ctx, w.P, w.A(), body, fakepeer.SendOptions{})
		Expect(err).NotTo(HaveOccurred())
		ExpectError(r, "bad_request")
	})

	Conformance(Federation, "delivers a federated envelope, answers per item in order and refuses unknown kinds alone", Reqs("FED-TXN-02", "FED-TXN-03", "FED-DELIVERED-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		bob := w.Register(ctx, w.A(), "bob")
		strangerOK(ctx, w, bob)
		bs := w.Stream(ctx, bob, -1)
		sender, env := peerEnvelope(w, peer, bob.Bundle())
		txn, err := peer.Transaction(w.A(), map[string]any{"kind": "vnd.example.unknown"}, envelopeItem(env))
		Expect(err).NotTo(HaveOccurred())
		r, err := peer.Send(ctx, w.P, txn, fakepeer.SendOptions{})
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 200)
		res, err := fakepeer.Results(r)
		Expect(err).NotTo(HaveOccurred())
		Expect(res).To(HaveLen(2))
		Expect(res[0]).To(Equal(fakepeer.ItemResult{Index: 0, Status: "error", Error: "bad_request"}))
		Expect(res[1].Index).To(Equal(1))
		Expect(res[1].Status).To(Equal("ok"))
		NextEvent(ctx, bs, "envelope")
		By("a delivered receipt goes back to the origin")
		Eventually(ctx, func() string { return receivedText(peer) }).Should(And(ContainSubstring(`"delivered"`), ContainSubstring(sender.Addr.Local)))
	})

	Conformance(Federation, "answers a replayed transaction with the first answer and a repeated item with duplicate, delivering once", Reqs("FED-TXN-04", "FED-TXN-05"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		bob := w.Register(ctx, w.A(), "bob")
		strangerOK(ctx, w, bob)
		bs := w.Stream(ctx, bob, -1)
		_, env := peerEnvelope(w, peer, bob.Bundle())
		txn, err := peer.Transaction(w.A(), envelopeItem(env))
		Expect(err).NotTo(HaveOccurred())
		first, err := peer.Send(ctx, w.P, txn, fakepeer.SendOptions{})
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(first, 200)
		again, err := peer.Send(ctx, w.P, txn, fakepeer.SendOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(again.Body).To(MatchJSON(first.Body), "the replay gets the first answer")
		fresh, err := peer.Transaction(w.A(), envelopeItem(env))
		Expect(err).NotTo(HaveOccurred())
		dup, err := peer.Send(ctx, w.P, fresh, fakepeer.SendOptions{})
		Expect(err).NotTo(HaveOccurred())
		res, err := fakepeer.Results(dup)
		Expect(err).NotTo(HaveOccurred())
		Expect(res[0].Status).To(Equal("duplicate"))
		NextEvent(ctx, bs, "envelope")
		NoEvent(ctx, bs, "envelope")
	})

	Conformance(Federation, "refuses items that speak for another domain or address another server", Reqs("FED-SPOOF-01", "FED-TXN-06"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		bob, carol := w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.B(), "carol")
		strangerOK(ctx, w, bob)
		bs := w.Stream(ctx, bob, -1)
		By("an envelope claiming to come from an account of b")
		spoofed, err := carol.Seal(bob.Bundle(), "I am carol, honest")
		Expect(err).NotTo(HaveOccurred())
		By("an envelope for an account of b")
		_, elsewhere := peerEnvelope(w, peer, carol.Bundle())
		txn, err := peer.Transaction(w.A(), envelopeItem(spoofed), envelopeItem(elsewhere))
		Expect(err).NotTo(HaveOccurred())
		r, err := peer.Send(ctx, w.P, txn, fakepeer.SendOptions{})
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 200)
		res, err := fakepeer.Results(r)
		Expect(err).NotTo(HaveOccurred())
		Expect(res).To(HaveLen(2))
		Expect(res[0]).To(Equal(fakepeer.ItemResult{Index: 0, Status: "error", Error: "forbidden"}), "spoofed sender")
		Expect(res[1]).To(Equal(fakepeer.ItemResult{Index: 1, Status: "error", Error: "forbidden"}), "recipient on another server")
		NoEvent(ctx, bs, "envelope")
	})

	Conformance(Federation, "refuses a transaction with more items than its limit with too_large", Reqs("FED-TXN-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		items := make([]any, 101)
		for i := range items {
			items[i] = map[string]any{"kind": "vnd.example.filler"}
		}
		txn, err := peer.Transaction(w.A(), items...)
		Expect(err).NotTo(HaveOccurred())
		body, _ := json.Marshal(txn)
		r, err := peer.SendBody(ctx, w.P, w.A(), body, fakepeer.SendOptions{})
		Expect(err).NotTo(HaveOccurred())
		ExpectError(r, "too_large")
	})
})

// receivedText joins every transaction body the peer received.
func receivedText(p *fakepeer.Peer) string {
	var b strings.Builder
	for _, r := range p.Received() {
		b.Write(r.Body)
		b.WriteByte('\n')
	}
	return b.String()
}
