package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
)

var _ = Describe("Group events", func() {
	Conformance(Groups, "sends every membership change to every member and to the target of an invite or kick, across servers", Reqs("GROUP-EVENT-01", "GROUP-FORWARD-01"), func(ctx SpecContext, w *World) {
		alice, bob, carol := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.B(), "bob"), w.Register(ctx, w.C(), "carol")
		g := w.NewGroup(ctx, alice, "Three servers")
		as, bs, cs := w.Stream(ctx, alice, -1), w.Stream(ctx, bob, -1), w.Stream(ctx, carol, -1)
		By("an invitation reaches the member and its target on another server")
		w.Act(ctx, alice, g, probe.Invite(bob.Addr))
		for _, s := range []*probe.Stream{as, bs} {
			Expect(NextGroupEvent(ctx, s, g, "invited").Target).To(Equal(bob.Addr.String()))
		}
		By("a join forwarded by the member's server reaches every member")
		w.Act(ctx, bob, g, probe.Join())
		for _, s := range []*probe.Stream{as, bs} {
			Expect(NextGroupEvent(ctx, s, g, "joined").Actor).To(Equal(bob.Addr.String()))
		}
		w.Act(ctx, alice, g, probe.Invite(carol.Addr))
		for _, s := range []*probe.Stream{as, bs, cs} {
			Expect(NextGroupEvent(ctx, s, g, "invited").Target).To(Equal(carol.Addr.String()))
		}
		w.Act(ctx, carol, g, probe.Join())
		for _, s := range []*probe.Stream{as, bs, cs} {
			Expect(NextGroupEvent(ctx, s, g, "joined").Actor).To(Equal(carol.Addr.String()))
		}
		By("a kick reaches the members and the kicked member")
		w.Act(ctx, alice, g, probe.Kick(carol.Addr))
		for _, s := range []*probe.Stream{as, bs, cs} {
			Expect(NextGroupEvent(ctx, s, g, "kicked").Target).To(Equal(carol.Addr.String()))
		}
		By("a later change reaches the members only")
		w.Act(ctx, alice, g, probe.Rename("Two servers"))
		for _, s := range []*probe.Stream{as, bs} {
			Expect(NextGroupEvent(ctx, s, g, "renamed").Name).To(Equal("Two servers"))
		}
		NoGroupEvent(ctx, cs, g)
	})

	Conformance(Groups, "numbers a group's events from 1 up by one and delivers them to each member in seq order", Reqs("GROUP-ORDER-01", "GROUP-ORDER-02"), func(ctx SpecContext, w *World) {
		alice, bob, carol := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.B(), "carol")
		g := w.NewGroup(ctx, alice, "Ordered")
		w.AddMember(ctx, g, alice, bob, carol)
		for _, name := range []string{"one", "two", "three", "four", "five"} {
			w.Act(ctx, alice, g, probe.Rename(name))
		}
		last := w.ReadGroup(ctx, alice, g).Seq
		Expect(last).To(BeEquivalentTo(10), "created, 2 invitations and joins, 5 renames")
		By("the owner sees the whole history")
		seqs := func(evs []probe.GroupEvent) []uint64 {
			var out []uint64
			for _, ev := range evs {
				out = append(out, ev.Seq)
			}
			return out
		}
		all := GroupEvents(ctx, w.Stream(ctx, alice, -1), g, last)
		Expect(seqs(all)).To(Equal([]uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}))
		Expect(all[len(all)-1].Name).To(Equal("five"))
		By("each other member, local or remote, sees its part in order, from its invitation")
		for _, m := range []*probe.Account{bob, carol} {
			evs := GroupEvents(ctx, w.Stream(ctx, m, -1), g, last)
			Expect(evs).NotTo(BeEmpty())
			Expect(evs[0].Kind).To(Equal("invited"), "%s's first event", m.Addr)
			for i := 1; i < len(evs); i++ {
				Expect(evs[i].Seq).To(Equal(evs[i-1].Seq+1), "%s got seq %v", m.Addr, seqs(evs))
			}
		}
	})
})
