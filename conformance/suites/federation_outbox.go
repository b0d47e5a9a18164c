package suites

import (
	"bytes"
	"encoding/json"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
)

var _ = Describe("Federation outbox", func() {
	Conformance(Federation, "fetches a remote account's bundles over federation and verifies them", Reqs("KEY-FETCH-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		id, _ := w.peerAccount(peer)
		b := w.FetchBundle(ctx, alice, id.Address().String())
		Expect(b.SignKey).To(Equal(id.Bundle().SignKey))
	})

	Conformance(Federation, "delivers to a remote account with a transaction signed by a published key", Reqs("FED-SIGN-01", "ADDR-SERVER-01", "RESOLVE-HTTP-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		_, mallory := w.peerAccount(peer)
		id, r := w.Send(ctx, alice, mallory, "hello fake peer")
		ExpectStatus(r, 202)
		Eventually(ctx, func() []fakepeer.Received { return deliveredWith(peer, id) }).WithTimeout(scale(deliveryTimeout)).ShouldNot(BeEmpty())
		got := deliveredWith(peer, id)[0]
		Expect(got.Origin).To(Equal(w.A()))
		Expect(got.Destination).To(Equal(peer.Domain))
		Expect(w.verifySignature(ctx, peer, got)).To(Succeed(), "signed with a key %s publishes", w.A())
	})

	Conformance(Federation, "retries a transaction answered 5xx with the same txn and items", Reqs("FED-QUEUE-03", "FED-QUEUE-06"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		_, mallory := w.peerAccount(peer)
		env, err := alice.Seal(mallory, "retry me")
		Expect(err).NotTo(HaveOccurred())
		peer.SetResponder(answerFor(env.ID, 2, 503, func(fakepeer.Received) []byte {
			return []byte(`{"error":"unavailable","message":"scripted outage"}`)
		}))
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/messages", env), 202)
		Eventually(ctx, func() []fakepeer.Received { return deliveredWith(peer, env.ID) }).WithTimeout(scale(deliveryTimeout)).ShouldNot(BeEmpty())
		attempts := txnsWith(peer, env.ID)
		Expect(len(attempts)).To(BeNumerically(">=", 3), "two refusals, then the delivery")
		for _, a := range attempts[1:] {
			Expect(a.Txn).To(Equal(attempts[0].Txn), "a retry keeps its txn")
			Expect(a.Items).To(Equal(attempts[0].Items), "a retry keeps its items")
		}
	}, Slow)

	Conformance(Federation, "sends one destination's items in order, one transaction at a time, within its item limit", Reqs("FED-QUEUE-02", "FED-QUEUE-07"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		_, mallory := w.peerAccount(peer)
		var ids []string
		first, err := alice.Seal(mallory, "first")
		Expect(err).NotTo(HaveOccurred())
		peer.SetResponder(answerFor(first.ID, 1, 503, func(fakepeer.Received) []byte {
			return []byte(`{"error":"unavailable","message":"scripted outage"}`)
		}))
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/messages", first), 202)
		ids = append(ids, first.ID)
		for _, text := range []string{"second", "third", "fourth", "fifth"} {
			id, r := w.Send(ctx, alice, mallory, text)
			ExpectStatus(r, 202)
			ids = append(ids, id)
		}
		last := ids[len(ids)-1]
		Eventually(ctx, func() []fakepeer.Received { return deliveredWith(peer, last) }).WithTimeout(scale(deliveryTimeout)).ShouldNot(BeEmpty())
		var order []string
		for _, r := range peer.Received() {
			if r.Answered != 200 || r.Origin != w.A() {
				continue
			}
			Expect(len(r.Items)).To(BeNumerically("<=", fakepeer.MaxTxnItems), "no more items than the peer's max_txn_items")
			for _, it := range r.Items {
				for _, id := range ids {
					if bytes.Contains(it, []byte(id)) && !slices.Contains(order, id) {
						order = append(order, id)
					}
				}
			}
		}
		Expect(order).To(Equal(ids), "delivered in the order sent")
		Expect(peer.MaxInFlight(w.A())).To(Equal(1), "never two transactions in flight to one destination")
	})

	Conformance(Federation, "turns a refused envelope into a failed receipt and does not send it again", Reqs("FED-QUEUE-08", "DELIV-FAILED-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		as := w.Stream(ctx, alice, -1)
		_, mallory := w.peerAccount(peer)
		By("a per-item error")
		one, err := alice.Seal(mallory, "refused item")
		Expect(err).NotTo(HaveOccurred())
		peer.SetResponder(answerFor(one.ID, 1, 200, itemError(one.ID, "not_found")))
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/messages", one), 202)
		f := NextEvent(ctx, as, "receipt")
		Expect(string(f.Event)).To(And(ContainSubstring(`"failed"`), ContainSubstring(one.ID), ContainSubstring(`"not_found"`)))
		By("a whole transaction answered 400")
		two, err := alice.Seal(mallory, "refused transaction")
		Expect(err).NotTo(HaveOccurred())
		peer.SetResponder(answerFor(two.ID, 1, 400, func(fakepeer.Received) []byte {
			return []byte(`{"error":"bad_request","message":"scripted refusal"}`)
		}))
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/messages", two), 202)
		f = NextEvent(ctx, as, "receipt")
		Expect(string(f.Event)).To(And(ContainSubstring(`"failed"`), ContainSubstring(two.ID)))
		Consistently(ctx, func() int { return len(txnsWith(peer, two.ID)) }).WithTimeout(scale(quietPeriod)).Should(Equal(1), "not sent again")
	})

	Conformance(Federation, "answers a signed key request for a local account with its chain", Reqs("FED-KEYS-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		r, err := peer.Get(ctx, w.P, w.A(), "/emsg/v1/federation/keys/"+escape(alice.Addr.String()))
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 200)
		var chain struct {
			Bundles []json.RawMessage `json:"bundles"`
		}
		Expect(r.Decode(&chain)).To(Succeed())
		Expect(chain.Bundles).To(HaveLen(1))
		Expect(string(chain.Bundles[0])).To(ContainSubstring(b64(alice.Bundle().SignKey)))
	})

	Conformance(Federation, "refuses a receipt for an envelope its account never sent", Reqs("FED-SPOOF-04"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		mallory, _ := w.peerAccount(peer)
		env, err := alice.Seal(alice.Bundle(), "never sent")
		Expect(err).NotTo(HaveOccurred())
		receipt := map[string]any{"kind": "receipt", "receipt": map[string]any{"kind": "read", "id": env.ID,
			"from": mallory.Address(), "to": alice.Addr, "ts": env.TS}}
		txn, err := peer.Transaction(w.A(), receipt)
		Expect(err).NotTo(HaveOccurred())
		r, err := peer.Send(ctx, w.P, txn, fakepeer.SendOptions{})
		Expect(err).NotTo(HaveOccurred())
		res, err := fakepeer.Results(r)
		Expect(err).NotTo(HaveOccurred())
		Expect(res).To(Equal([]fakepeer.ItemResult{{Index: 0, Status: "error", Error: "not_found"}}))
	})
})
