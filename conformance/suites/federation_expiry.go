package suites

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
)

// The specs of this file watch group items expire in the queue of the
// server under test (FED-QUEUE-09): the fake peer refuses (503) every
// transaction that carries a post with the shortest ttl until the post
// has expired, then accepts everything. The expired post must never be
// delivered and leaves no receipt anywhere; a post made afterwards must
// be delivered, so that a server delivering nothing cannot pass.

// clockTrail is how far, before the timeout multiplier, a server's clock
// may trail the suite's: the peer keeps refusing an expired item that
// long after its expiry instant, so that a server that sent it just
// before that instant, by its own clock, is not taken for one that sends
// expired items.
const clockTrail = time.Second

// shortTTL is the smallest ttl the spec allows (TTL-RANGE-01), stretched
// by the timeout multiplier so that a slow server still accepts the post
// before it expires.
func shortTTL() int {
	return max(minTTL, int(math.Ceil(scale(time.Second).Seconds())))
}

// refuseWhile answers 503 to the transactions picked out by carries, as
// long as refusing is set; every other transaction, and every one after,
// is answered ok.
func refuseWhile(refusing *atomic.Bool, carries func(fakepeer.Received) bool) fakepeer.Responder {
	return func(r fakepeer.Received) (int, []byte, bool) {
		if refusing.Load() && carries(r) {
			return fakepeer.ServerError(r)
		}
		return 200, fakepeer.OKResults(len(r.Items)), false
	}
}

// waitPastExpiry waits until env has expired by the suite's clock, and
// the clock trail after.
func waitPastExpiry(ctx context.Context, env *envelope.Envelope) {
	GinkgoHelper()
	untilPast(ctx, expiryOf(env).Add(scale(clockTrail)))
}

// expectDroppedSilently checks that the post expired in the queue left no
// trace: the peer never accepted a transaction carrying it (one that
// mentions it after the peer stopped refusing was sent expired), the
// sender's stream gets no receipt about it, and the peer was sent none.
func expectDroppedSilently(ctx context.Context, peer *fakepeer.Peer, s *probe.Stream, expired *envelope.Envelope, kind string) {
	GinkgoHelper()
	Expect(arrivals(deliveredWith(peer, expired.ID))).To(BeEmpty(), "the server sent a %s item for the post %s after its envelope expired at %s",
		kind, expired.ID, expiryOf(expired).Format(time.RFC3339Nano))
	Consistently(ctx, func() string {
		for {
			f, ok := s.Poll()
			if !ok {
				return ""
			}
			var rc receiptEvent
			if f.Type == "event" && f.Kind() == "receipt" && f.EventInto(&rc) == nil && rc.Receipt.ID == expired.ID {
				return string(f.Raw)
			}
		}
	}).WithTimeout(scale(quietPeriod)).WithPolling(20*time.Millisecond).Should(BeEmpty(), "no receipt about the expired post %s to its sender", expired.ID)
	for _, it := range itemsOf(peer, "receipt", "", "") {
		rc, _ := it.Item["receipt"].(map[string]any)
		Expect(rc["id"]).NotTo(Equal(expired.ID), "no receipt item about the expired post %s to %s", expired.ID, peer.Domain)
	}
}

// needGroups skips the spec unless domain hosts groups.
func (w *World) needGroups(ctx context.Context, domain string) {
	GinkgoHelper()
	if !w.Features(ctx, domain)["groups"] {
		Skip(domain + " does not advertise groups: it queues no group items")
	}
}

// sealShort seals text from a to group g for the readers with the
// shortest ttl.
func sealShort(a *probe.Account, g address.Address, readers []*probe.Account, text string) *envelope.Envelope {
	GinkgoHelper()
	env, err := a.SealGroupTTL(g, bundles(readers...), text, shortTTL())
	Expect(err).NotTo(HaveOccurred())
	return env
}

var _ = Describe("Federation queue expiry", func() {
	Conformance(Federation, "drops a group_fanout item whose envelope expired in the queue, without a receipt, and sends the later ones", Reqs("FED-QUEUE-09"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		w.needGroups(ctx, w.A())
		alice := w.Register(ctx, w.A(), "alice")
		m := peerAccount(w, peer, "member")
		g := w.NewGroup(ctx, alice, "Short-lived")
		as := w.Stream(ctx, alice, -1)
		w.Act(ctx, alice, g, probe.Invite(m.Addr))
		Expect(peerSend(ctx, w, peer, w.A(), groupRequest(g, m.Addr, "join", nil))[0].Status).To(Equal("ok"))
		NextGroupEvent(ctx, as, g, "joined")
		By("a post with the shortest ttl while the member's server refuses")
		post := sealShort(alice, g, []*probe.Account{m}, "gone before the peer is back")
		var refusing atomic.Bool
		refusing.Store(true)
		peer.SetResponder(refuseWhile(&refusing, func(r fakepeer.Received) bool { return bytes.Contains(r.Body, []byte(post.ID)) }))
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/messages", post), 202)
		waitPastExpiry(ctx, post)
		By("the member's server accepts again; a later post goes, the expired one never")
		refusing.Store(false)
		later, _, r := w.PostGroup(ctx, alice, g, bundles(m), "after the outage")
		ExpectStatus(r, 202)
		Eventually(ctx, func() []sentItem { return deliveredFanouts(peer, later) }).WithTimeout(scale(deliveryTimeout)).
			ShouldNot(BeEmpty(), "the later post's group_fanout item is delivered")
		expectDroppedSilently(ctx, peer, as, post, "group_fanout")
	})

	Conformance(Federation, "drops a group_post item whose envelope expired in the queue, without a receipt, and forwards the later ones", Reqs("FED-QUEUE-09"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		w.needGroups(ctx, w.A())
		g := peerGroup(peer)
		owner := peerAccount(w, peer, "owner")
		alice := w.Register(ctx, w.A(), "alice")
		as := w.Stream(ctx, alice, -1)
		to := []address.Address{alice.Addr}
		res := peerSend(ctx, w, peer, w.A(),
			groupEventItem(g, 1, "created", owner.Addr, to, map[string]any{"name": "Remote and short-lived"}),
			groupEventItem(g, 2, "invited", owner.Addr, to, map[string]any{"target": alice.Addr}),
			groupEventItem(g, 3, "joined", alice.Addr, to, nil),
		)
		for i := range res {
			Expect(res[i].Status).To(Equal("ok"), "group event %d", i+1)
		}
		GroupEvents(ctx, as, g, 3)
		By("a post with the shortest ttl while the host refuses")
		post := sealShort(alice, g, []*probe.Account{owner}, "gone before the host is back")
		var refusing atomic.Bool
		refusing.Store(true)
		peer.SetResponder(refuseWhile(&refusing, func(r fakepeer.Received) bool { return bytes.Contains(r.Body, []byte(post.ID)) }))
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/messages", post), 202)
		waitPastExpiry(ctx, post)
		By("the host accepts again; a later post goes, the expired one never")
		refusing.Store(false)
		later, _, r := w.PostGroup(ctx, alice, g, bundles(owner), "after the outage")
		ExpectStatus(r, 202)
		Eventually(ctx, func() []fakepeer.Received { return deliveredWith(peer, later) }).WithTimeout(scale(deliveryTimeout)).
			ShouldNot(BeEmpty(), "the later post's group_post item is delivered")
		Expect(itemsOf(peer, "group_post", "", "")).To(ContainElement(HaveField("Item", HaveKeyWithValue("envelope", HaveKeyWithValue("id", later)))),
			"the later post travels as a group_post item")
		expectDroppedSilently(ctx, peer, as, post, "group_post")
	})
})

// deliveredFanouts lists the group_fanout items for the envelope id in
// transactions the peer accepted.
func deliveredFanouts(peer *fakepeer.Peer, id string) []sentItem {
	var out []sentItem
	for _, r := range deliveredWith(peer, id) {
		for _, it := range itemsIn(r, "group_fanout") {
			if env, ok := it["envelope"].(map[string]any); ok && env["id"] == id {
				out = append(out, sentItem{Txn: r.Txn, Item: it})
			}
		}
	}
	return out
}

// arrivals describes received transactions for a failure message: txn
// and arrival time.
func arrivals(rs []fakepeer.Received) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, fmt.Sprintf("txn %s at %s", r.Txn, r.At.UTC().Format(time.RFC3339Nano)))
	}
	return out
}
