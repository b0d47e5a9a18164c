package suites

import (
	"bytes"
	"time"

	"github.com/oklog/ulid/v2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/keys"
)

var _ = Describe("Federation with a remote contact", func() {
	Conformance(Federation, "tells a remote contact's server of a key rotation", Reqs("KEY-ROTATE-02"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		mallory, _ := w.peerAccount(peer)
		w.befriendPeer(ctx, peer, alice, mallory)
		By("alice rotates her keys")
		rotated, err := alice.ID.Rotate(w.P.Deps)
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(w.Call(ctx, alice, "PUT", "/emsg/v1/keys", rotated.Bundle()), 200)
		newKey := b64(rotated.Bundle().SignKey)
		Eventually(ctx, func() []fakepeer.Received { return deliveredWith(peer, newKey) }).WithTimeout(scale(deliveryTimeout)).ShouldNot(BeEmpty())
		Expect(string(deliveredWith(peer, newKey)[0].Body)).To(And(ContainSubstring(`"key_rotated"`), ContainSubstring(mallory.Address().Local)))
	})

	Conformance(Federation, "sends an expired receipt when a queued envelope's ttl runs out", Reqs("FED-QUEUE-05"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		as := w.Stream(ctx, alice, -1)
		_, mallory := w.peerAccount(peer)
		env, _, err := envelope.Seal(w.P.Deps, alice.ID, mallory.Address, map[address.Address]*[32]byte{mallory.Address: mallory.BoxPublic()},
			envelope.TextBody("short-lived"), envelope.Options{TTL: 2})
		Expect(err).NotTo(HaveOccurred())
		peer.SetResponder(answerFor(env.ID, 1000, 503, func(fakepeer.Received) []byte {
			return []byte(`{"error":"unavailable","message":"scripted outage"}`)
		}))
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/messages", env), 202)
		f := NextEvent(ctx, as, "receipt")
		Expect(string(f.Event)).To(And(ContainSubstring(`"expired"`), ContainSubstring(env.ID)))
	}, Slow)

	Conformance(Federation, "does not trust a discovery document that names another domain", Reqs("DISC-DOMAIN-01"), func(ctx SpecContext, w *World) {
		liar := w.SecondPeer()
		liar.Claim(w.Peer().Domain)
		bob := w.Register(ctx, w.A(), "bob")
		strangerOK(ctx, w, bob)
		bs := w.Stream(ctx, bob, -1)
		_, env := peerEnvelope(w, liar, bob.Bundle())
		txn, err := liar.Transaction(w.A(), envelopeItem(env))
		Expect(err).NotTo(HaveOccurred())
		r, err := liar.Send(ctx, w.P, txn, fakepeer.SendOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Status).NotTo(Equal(200), "a transaction signed with a key from a document for another domain: got %s", r)
		NoEvent(ctx, bs, "envelope")
	})

	Conformance(Federation, "does not follow a redirect when it fetches a peer's discovery document", Reqs("ADDR-REDIRECT-01"), func(ctx SpecContext, w *World) {
		redirecting := w.ThirdPeer()
		honest := w.Peer()
		redirecting.Redirect("http://" + honest.Domain + "/.well-known/emsg")
		bob := w.Register(ctx, w.A(), "bob")
		strangerOK(ctx, w, bob)
		bs := w.Stream(ctx, bob, -1)
		_, env := peerEnvelope(w, redirecting, bob.Bundle())
		txn, err := redirecting.Transaction(w.A(), envelopeItem(env))
		Expect(err).NotTo(HaveOccurred())
		// signed with the honest peer's key, which the redirect target publishes
		r, err := redirecting.Send(ctx, w.P, txn, fakepeer.SendOptions{SignWith: &honest.Key})
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Status).NotTo(Equal(200), "a key found only by following a redirect: got %s", r)
		NoEvent(ctx, bs, "envelope")
	})

	Conformance(Federation, "waits at least the retry_after a peer asks for before retrying", Reqs("FED-QUEUE-04"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		_, mallory := w.peerAccount(peer)
		env, err := alice.Seal(mallory, "patience")
		Expect(err).NotTo(HaveOccurred())
		peer.SetResponder(answerFor(env.ID, 1, 429, func(fakepeer.Received) []byte {
			return []byte(`{"error":"rate_limited","message":"slow down","retry_after":2}`)
		}))
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/messages", env), 202)
		Eventually(ctx, func() []fakepeer.Received { return deliveredWith(peer, env.ID) }).WithTimeout(scale(deliveryTimeout)).ShouldNot(BeEmpty())
		attempts := txnsWith(peer, env.ID)
		Expect(len(attempts)).To(BeNumerically(">=", 2))
		Expect(attempts[1].At.Sub(attempts[0].At)).To(BeNumerically(">=", 1900*time.Millisecond), "the retry waited retry_after (2 s)")
	}, Slow)

	Conformance(Federation, "sends a signal to a remote contact through the signals endpoint, never through the queue", Reqs("FED-SIGNALS-01"), func(ctx SpecContext, w *World) {
		w.needSignals(ctx, w.A())
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		mallory, _ := w.peerAccount(peer)
		w.befriendPeer(ctx, peer, alice, mallory)
		Expect(w.signal(ctx, alice, map[string]any{"kind": "typing", "to": mallory.Address(), "state": "start"}).Status).To(BeNumerically("<", 300))
		Eventually(ctx, func() string { return string(bytes.Join(peer.Signals(), nil)) }).WithTimeout(scale(deliveryTimeout)).
			Should(ContainSubstring(mallory.Address().Local))
		Consistently(ctx, func() []fakepeer.Received { return txnsWith(peer, `"typing"`) }).WithTimeout(scale(quietPeriod)).Should(BeEmpty(), "no signal in a queued transaction")
	})
})

// befriendPeer makes the fake peer's account and a accepted contacts: the
// request arrives over federation and a accepts it.
func (w *World) befriendPeer(ctx SpecContext, peer *fakepeer.Peer, a *probe.Account, mallory *keys.Identity) {
	GinkgoHelper()
	By(mallory.Address().String() + "'s request arrives over federation and " + a.Addr.String() + " accepts it")
	req := map[string]any{"kind": "contact_request", "request": map[string]any{"id": ulid.Make().String(),
		"from": mallory.Address(), "to": a.Addr, "bundle": mallory.Bundle(), "ts": time.Now().UnixMilli()}}
	txn, err := peer.Transaction(w.A(), req)
	Expect(err).NotTo(HaveOccurred())
	r, err := peer.Send(ctx, w.P, txn, fakepeer.SendOptions{})
	Expect(err).NotTo(HaveOccurred())
	res, err := fakepeer.Results(r)
	Expect(err).NotTo(HaveOccurred())
	Expect(res[0].Status).To(Equal("ok"))
	ExpectStatus(w.Call(ctx, a, "POST", "/emsg/v1/contacts/requests/"+probe.PathOf(mallory.Address())+"/accept", map[string]any{"bundle": a.Bundle()}), 200)
}
