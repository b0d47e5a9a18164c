package suites

import (
	"bytes"
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// maxTicketLife is the longest a ticket may live (SESS-TICKET-02).
const maxTicketLife = 24 * time.Hour

// clockSlack allows for the host's clock running ahead of the suite's.
const clockSlack = time.Minute

var _ = Describe("Session tickets", func() {
	Conformance(Sessions, "issues a ticket signed by a published key with the first envelope to a remote peer, after it, and the peer's server pushes it with the envelope's id", Reqs("SESS-TICKET-01", "SESS-TICKET-02", "SESS-EVENT-01"), func(ctx SpecContext, w *World) {
		w.needSessions(ctx, w.A(), w.B())
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.B(), "bob")
		w.befriendBoth(ctx, alice, bob)
		bs := w.Stream(ctx, bob, -1)
		NextFrame(ctx, bs, "ready")
		id, r := w.Send(ctx, alice, bob.Bundle(), "the first of a conversation")
		ExpectStatus(r, 202)
		By("the envelope first, then its ticket")
		var kinds []string
		var tf probe.Frame
		Eventually(ctx, func() bool {
			for {
				f, ok := bs.Poll()
				if !ok {
					return false
				}
				if f.Type != "event" || f.Kind() != "envelope" && f.Kind() != "session_ticket" {
					continue
				}
				if f.Kind() == "envelope" {
					if eid, _ := envelopeOf(f); eid != id {
						continue
					}
				}
				kinds = append(kinds, f.Kind())
				if f.Kind() == "session_ticket" {
					tf = f
					return true
				}
			}
		}).WithTimeout(scale(deliveryTimeout)).WithPolling(5*time.Millisecond).Should(BeTrue(), "a session_ticket event for %s", bob.Addr)
		Expect(kinds).To(Equal([]string{"envelope", "session_ticket"}), "the ticket is queued after the envelope it came with")
		t, err := probe.TicketOf(tf)
		Expect(err).NotTo(HaveOccurred())
		Expect(t.EnvelopeID).To(Equal(id), "the event names the envelope that opened the session")
		Expect(t.Host).To(Equal(w.A()))
		Expect(t.Initiator).To(Equal(alice.Addr))
		Expect(t.Peer).To(Equal(bob.Addr))
		By("signed with a server key the host publishes, living at most 24 hours")
		Expect(t.Verify(ctx, time.Now(), w.publishedKeys(ctx, w.A()))).To(Succeed(), "the ticket verifies with a key in %s's discovery document", w.A())
		Expect(t.Expires).To(BeNumerically("<=", nowMillis()+wire.Millis((maxTicketLife+clockSlack).Milliseconds())), "expires at most 24 hours after issue")
	})

	Conformance(Sessions, "issues no second ticket while the session lives, and a new one after it ended", Reqs("SESS-TICKET-01", "SESS-END-01"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		id, r := w.Send(ctx, s.alice, s.bob.Bundle(), "a second envelope, same session")
		ExpectStatus(r, 202)
		nextEnvelope(ctx, s.bs, id)
		NoEvent(ctx, s.bs, "session_ticket")
		ExpectStatus(w.endSession(ctx, s.alice, s.t.ID), 204)
		id, r = w.Send(ctx, s.alice, s.bob.Bundle(), "after the end")
		ExpectStatus(r, 202)
		t := ticketFor(ctx, s.bs, id)
		Expect(t.ID).NotTo(Equal(s.t.ID), "a new session has a new ticket")
	})

	Conformance(Sessions, "pushes a session_ticket item from a remote host to its peer with the envelope's id", Reqs("SESS-EVENT-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		bob := w.Register(ctx, w.A(), "bob")
		strangerOK(ctx, w, bob)
		bs := w.Stream(ctx, bob, -1)
		sender, env := peerEnvelope(w, peer, bob.Bundle())
		t, err := ticket.Issue(peer.Deps, peer.Key, peer.Domain, sender.Addr, bob.Addr, time.Hour)
		Expect(err).NotTo(HaveOccurred())
		envID := env.(*envelope.Envelope).ID
		txn, err := peer.Transaction(w.A(), envelopeItem(env), ticketItem(t, envID))
		Expect(err).NotTo(HaveOccurred())
		r, err := peer.Send(ctx, w.P, txn, fakepeer.SendOptions{})
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 200)
		got := ticketFor(ctx, bs, envID)
		Expect(got.ID).To(Equal(t.ID))
	})

	Conformance(Sessions, "refuses a session_ticket item whose ticket was not issued by the origin with forbidden", Reqs("FED-SPOOF-03"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		bob := w.Register(ctx, w.A(), "bob")
		strangerOK(ctx, w, bob)
		bs := w.Stream(ctx, bob, -1)
		NextFrame(ctx, bs, "ready")
		forger, err := fedsig.NewServerKey(peer.Deps, "ed25519:forged")
		Expect(err).NotTo(HaveOccurred())
		initiator, err := address.ParseCanonical(probe.FreshLocal("carol") + "#" + w.C())
		Expect(err).NotTo(HaveOccurred())
		t, err := ticket.Issue(peer.Deps, forger, w.C(), initiator, bob.Addr, time.Hour)
		Expect(err).NotTo(HaveOccurred())
		txn, err := peer.Transaction(w.A(), ticketItem(t, t.ID))
		Expect(err).NotTo(HaveOccurred())
		r, err := peer.Send(ctx, w.P, txn, fakepeer.SendOptions{})
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 200)
		res, err := fakepeer.Results(r)
		Expect(err).NotTo(HaveOccurred())
		Expect(res).To(Equal([]fakepeer.ItemResult{{Index: 0, Status: "error", Error: "forbidden"}}), "a ticket of %s sent by %s", w.C(), peer.Domain)
		NoEvent(ctx, bs, "session_ticket")
	})
})

var _ = Describe("Feature negotiation", func() {
	Conformance(Federation, "sends no session ticket to a peer whose server does not advertise sessions", Reqs("DISC-NEGOTIATE-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer() // x.test advertises core and federation only
		alice := w.Register(ctx, w.A(), "alice")
		_, mallory := w.peerAccount(peer)
		id, r := w.Send(ctx, alice, mallory, "no session with you")
		ExpectStatus(r, 202)
		Eventually(ctx, func() []fakepeer.Received { return deliveredWith(peer, id) }).WithTimeout(scale(deliveryTimeout)).ShouldNot(BeEmpty())
		Consistently(ctx, func() []string {
			var kinds []string
			for _, rec := range txnsWith(peer, mallory.Address.Local) {
				for _, it := range rec.Items {
					if bytes.Contains(it, []byte(`"session_ticket"`)) {
						kinds = append(kinds, string(it))
					}
				}
			}
			return kinds
		}).WithTimeout(scale(quietPeriod)).Should(BeEmpty(), "no session_ticket item to %s", peer.Domain)
	})
})

// ticketItem is the session_ticket federation item of t, after envelope envID.
func ticketItem(t *ticket.Ticket, envID string) map[string]any {
	return map[string]any{"kind": "session_ticket", "ticket": t, "envelope_id": envID}
}

// publishedKeys looks up the server keys domain's discovery document lists.
func (w *World) publishedKeys(ctx context.Context, domain string) fedsig.KeyLookup {
	GinkgoHelper()
	r, err := w.P.JSON(ctx, "GET", domain, "/.well-known/emsg", nil, nil)
	Expect(err).NotTo(HaveOccurred())
	var doc struct {
		ServerKeys map[string]string `json:"server_keys"`
	}
	Expect(r.Decode(&doc)).To(Succeed())
	published := map[string]ed25519Key{}
	for id, k := range doc.ServerKeys {
		raw, err := wire.DecodeBytes(k)
		Expect(err).NotTo(HaveOccurred(), "server key %s of %s", id, domain)
		published[id] = raw
	}
	return staticKeys(domain, published)
}
