package suites

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/address"
)

// The specs of this file put the fake peer on one side of a group: the
// host of a group with members on the server under test, or the server
// of members (honest or hostile) of a group the server under test hosts.

var _ = Describe("Groups with a remote peer", func() {
	Conformance(Groups, "forwards a member's post to a remote group as a group_post item, unchanged", Reqs("GROUP-FORWARD-01", "GROUP-ORDER-02", "FED-TXN-05"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		g := peerGroup(peer)
		owner := peerAccount(w, peer, "owner")
		alice := w.Register(ctx, w.A(), "alice")
		as := w.Stream(ctx, alice, -1)
		to := []address.Address{alice.Addr}
		By("the peer hosts a group alice joins")
		res := peerSend(ctx, w, peer, w.A(),
			groupEventItem(g, 1, "created", owner.Addr, to, map[string]any{"name": "Peer club"}),
			groupEventItem(g, 2, "invited", owner.Addr, to, map[string]any{"target": alice.Addr}),
			groupEventItem(g, 3, "joined", alice.Addr, to, nil),
		)
		for i := range res {
			Expect(res[i].Status).To(Equal("ok"), "item %d", i)
		}
		evs := GroupEvents(ctx, as, g, 3)
		Expect(evs).To(HaveLen(3), "alice gets the events in seq order")
		By("an event the host sends again is a duplicate, not a second event")
		again := peerSend(ctx, w, peer, w.A(), groupEventItem(g, 3, "joined", alice.Addr, to, nil))
		Expect(again[0].Status).To(Equal("duplicate"))
		NoGroupEvent(ctx, as, g)
		Expect(w.ReadGroup(ctx, alice, g).Role(alice.Addr)).To(Equal("member"))
		By("alice posts to it")
		id, sent, r := w.PostGroup(ctx, alice, g, bundles(owner), "to the peer's group")
		ExpectStatus(r, 202)
		var posts []sentItem
		Eventually(ctx, func() []sentItem {
			posts = nil
			for _, it := range itemsOf(peer, "group_post", "", "") {
				if env, ok := it.Item["envelope"].(map[string]any); ok && env["id"] == id {
					posts = append(posts, it)
				}
			}
			return posts
		}).WithTimeout(scale(eventTimeout)).ShouldNot(BeEmpty(), "a group_post item reaches the host")
		raw, err := json.Marshal(posts[0].Item["envelope"])
		Expect(err).NotTo(HaveOccurred())
		Expect(raw).To(MatchJSON(sent), "the envelope as sent")
		Expect(itemsOf(peer, "envelope", "", "")).NotTo(ContainElement(HaveField("Item", HaveKeyWithValue("envelope", HaveKeyWithValue("id", id)))), "not as a 1:1 envelope")
	})

	Conformance(Groups, "sends a group envelope to another server as one group_fanout item listing all its members", Reqs("GROUP-FANOUT-02", "GROUP-FANOUT-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		m1, m2 := peerAccount(w, peer, "m1"), peerAccount(w, peer, "m2")
		g := w.NewGroup(ctx, alice, "Batched")
		as := w.Stream(ctx, alice, -1)
		w.Act(ctx, alice, g, probe.Invite(m1.Addr))
		w.Act(ctx, alice, g, probe.Invite(m2.Addr))
		res := peerSend(ctx, w, peer, w.A(), groupRequest(g, m1.Addr, "join", nil), groupRequest(g, m2.Addr, "join", nil))
		Expect(res[0].Status).To(Equal("ok"))
		Expect(res[1].Status).To(Equal("ok"))
		NextGroupEvent(ctx, as, g, "joined")
		NextGroupEvent(ctx, as, g, "joined")
		id, sent, r := w.PostGroup(ctx, alice, g, bundles(m1, m2), "one item for both")
		ExpectStatus(r, 202)
		Eventually(ctx, func() int { return len(fanoutsOf(peer, id)) }).WithTimeout(scale(eventTimeout)).Should(Equal(1))
		Consistently(ctx, func() int { return len(fanoutsOf(peer, id)) }).WithTimeout(scale(quietPeriod)).Should(Equal(1), "one item, not one per member")
		it := fanoutsOf(peer, id)[0].Item
		want := []string{m1.Addr.String(), m2.Addr.String()}
		Expect(addressesOf(it["to"])).To(ConsistOf(want))
		raw, err := json.Marshal(it["envelope"])
		Expect(err).NotTo(HaveOccurred())
		Expect(raw).To(MatchJSON(sent), "the envelope unchanged")
	})

	Conformance(Groups, "refuses a group_post from a remote account that is not a member with forbidden", Reqs("GROUP-POST-01", "GROUP-FANOUT-01", "FED-TXN-05"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		g := w.NewGroup(ctx, alice, "Guarded")
		w.AddMember(ctx, g, alice, bob)
		bs := w.Stream(ctx, bob, -1)
		mallory := peerAccount(w, peer, "mallory")
		post := func(text string) (string, []byte, []any) {
			env, err := mallory.SealGroup(g, bundles(alice, bob), text)
			Expect(err).NotTo(HaveOccurred())
			raw, err := json.Marshal(env)
			Expect(err).NotTo(HaveOccurred())
			return env.ID, raw, []any{map[string]any{"kind": "group_post", "envelope": env}}
		}
		_, _, items := post("not a member")
		res := peerSend(ctx, w, peer, w.A(), items...)
		Expect(res[0]).To(Equal(resultError(0, "forbidden")))
		NoEvent(ctx, bs, "envelope")
		By("once a member, the same server's post goes through")
		w.Act(ctx, alice, g, probe.Invite(mallory.Addr))
		Expect(peerSend(ctx, w, peer, w.A(), groupRequest(g, mallory.Addr, "join", nil))[0].Status).To(Equal("ok"))
		id, sent, items := post("a member now")
		Expect(peerSend(ctx, w, peer, w.A(), items...)[0].Status).To(Equal("ok"))
		Expect(NextEnvelope(ctx, bs, id)).To(MatchJSON(sent))
		By("the same post again is a duplicate, delivered once")
		Expect(peerSend(ctx, w, peer, w.A(), items...)[0].Status).To(Equal("duplicate"))
		NoEvent(ctx, bs, "envelope")
	})

	Conformance(Groups, "refuses group items that speak for a group or an account of another server", Reqs("FED-SPOOF-02", "FED-SPOOF-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice, bob, carol := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.B(), "carol")
		g := w.NewGroup(ctx, alice, "Spoofed")
		w.AddMember(ctx, g, alice, bob)
		other := w.NewGroup(ctx, carol, "Elsewhere")
		before := w.ReadGroup(ctx, alice, g)
		bs := w.Stream(ctx, bob, -1)
		GroupEvents(ctx, bs, g, before.Seq) // what bob has seen so far
		mallory := peerAccount(w, peer, "mallory")
		to := []address.Address{bob.Addr}
		fanout, err := mallory.SealGroup(g, bundles(bob), "from the host, honest")
		Expect(err).NotTo(HaveOccurred())
		fake, err := w.P.NewIdentity(alice.Addr.Local, w.A())
		Expect(err).NotTo(HaveOccurred())
		fakeAlice := &probe.Account{P: w.P, ID: fake, Addr: fake.Address()}
		post, err := fakeAlice.SealGroup(g, bundles(bob), "I am alice")
		Expect(err).NotTo(HaveOccurred())
		for _, tc := range []struct {
			name string
			item map[string]any
		}{
			{"an event of a group of the server under test", groupEventItem(g, before.Seq+1, "renamed", alice.Addr, to, map[string]any{"name": "spoofed"})},
			{"an event of a group of a third server", groupEventItem(other, 2, "renamed", carol.Addr, to, map[string]any{"name": "spoofed"})},
			{"a fan-out of a group of the server under test", map[string]any{"kind": "group_fanout", "envelope": fanout, "to": to}},
			{"a post from an account of the server under test", map[string]any{"kind": "group_post", "envelope": post}},
			{"a request by an account of the server under test", groupRequest(g, alice.Addr, "rename", map[string]any{"name": "spoofed"})},
			{"a request by an account of a third server", groupRequest(g, carol.Addr, "join", nil)},
		} {
			By(tc.name)
			res := peerSend(ctx, w, peer, w.A(), tc.item)
			Expect(res[0]).To(Equal(resultError(0, "forbidden")), tc.name)
		}
		NoGroupEvent(ctx, bs, g)
		NoEvent(ctx, bs, "envelope")
		Expect(w.ReadGroup(ctx, alice, g)).To(Equal(before), "nothing changed")
	})
})
