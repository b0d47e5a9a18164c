package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
)

var _ = Describe("Groups with members on other servers", func() {
	Conformance(Groups, "lets members of other servers act through their servers as their roles allow, ownership included", Reqs("GROUP-FORWARD-01", "GROUP-AUTHZ-01", "GROUP-OWNER-01", "GROUP-REFUSED-01", "GROUP-REFUSED-02", "GROUP-DISSOLVE-01"), func(ctx SpecContext, w *World) {
		alice, dave := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "dave")
		bob, carol := w.Register(ctx, w.B(), "bob"), w.Register(ctx, w.C(), "carol")
		g := w.NewGroup(ctx, alice, "Far and wide")
		w.AddMember(ctx, g, alice, bob, carol)
		as, bs, cs := w.Stream(ctx, alice, -1), w.Stream(ctx, bob, -1), w.Stream(ctx, carol, -1)
		seq := w.ReadGroup(ctx, alice, g).Seq
		for _, s := range []*probe.Stream{as, bs, cs} {
			GroupEvents(ctx, s, g, seq) // the history so far
		}
		w.Act(ctx, alice, g, probe.SetRole(bob.Addr, "admin"))
		Expect(NextGroupEvent(ctx, bs, g, "role_changed").Role).To(Equal("admin"))

		By("a remote admin invites and renames")
		w.Act(ctx, bob, g, probe.Invite(dave.Addr))
		Expect(NextGroupEvent(ctx, as, g, "invited").Actor).To(Equal(bob.Addr.String()))
		w.Act(ctx, bob, g, probe.Rename("Renamed from afar"))
		for _, s := range []*probe.Stream{as, bs, cs} {
			Expect(NextGroupEvent(ctx, s, g, "renamed").Actor).To(Equal(bob.Addr.String()))
		}
		By("a remote admin may not dissolve; the host's refusal comes back through its server")
		id := w.Act(ctx, bob, g, probe.Dissolve())
		ExpectRefused(ctx, bs, g, id, "dissolve", "forbidden")
		By("a remote plain member may not kick")
		id = w.Act(ctx, carol, g, probe.Kick(bob.Addr))
		ExpectRefused(ctx, cs, g, id, "kick", "forbidden")

		By("ownership passes to a member of another server")
		w.Act(ctx, alice, g, probe.SetRole(carol.Addr, "owner"))
		for _, s := range []*probe.Stream{as, bs, cs} {
			ev := NextGroupEvent(ctx, s, g, "role_changed")
			Expect(ev.Target).To(Equal(carol.Addr.String()))
			Expect(ev.Role).To(Equal("owner"))
			Expect(ev.Actor).To(Equal(alice.Addr.String()))
		}
		got := w.ReadGroup(ctx, alice, g)
		Expect(got.Owner).To(Equal(carol.Addr.String()))
		Expect(got.Role(alice.Addr)).To(Equal("admin"))
		Eventually(ctx, func() string { return w.roleSeen(ctx, carol, g, alice.Addr) }).Should(Equal("admin"), "carol's server applies the old owner's demotion")
		id = w.Act(ctx, alice, g, probe.Dissolve())
		ExpectRefused(ctx, as, g, id, "dissolve", "forbidden")

		By("the remote owner kicks an admin and dissolves")
		w.Act(ctx, carol, g, probe.Kick(bob.Addr))
		Expect(NextGroupEvent(ctx, bs, g, "kicked").Actor).To(Equal(carol.Addr.String()))
		w.Act(ctx, carol, g, probe.Dissolve())
		for _, s := range []*probe.Stream{as, cs} {
			Expect(NextGroupEvent(ctx, s, g, "dissolved").Actor).To(Equal(carol.Addr.String()))
		}
	})

	Conformance(Groups, "takes back a member of another server who left, with its posts", Reqs("GROUP-EVENT-01", "GROUP-FORWARD-01", "GROUP-FANOUT-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.B(), "bob")
		g := w.NewGroup(ctx, alice, "Revolving door")
		w.AddMember(ctx, g, alice, bob)
		as, bs := w.Stream(ctx, alice, -1), w.Stream(ctx, bob, -1)
		w.Act(ctx, bob, g, probe.Leave())
		for _, s := range []*probe.Stream{as, bs} {
			Expect(NextGroupEvent(ctx, s, g, "left").Actor).To(Equal(bob.Addr.String()))
		}
		By("bob's post while out is refused")
		id, _, r := w.PostGroup(ctx, bob, g, bundles(alice), "still here?")
		ExpectPostRefused(ctx, bs, bob, g, r, id, "forbidden")
		By("bob comes back and posts")
		w.AddMember(ctx, g, alice, bob)
		id, sent, r := w.PostGroup(ctx, bob, g, bundles(alice), "back again")
		ExpectStatus(r, 202)
		Expect(NextEnvelope(ctx, as, id)).To(MatchJSON(sent))
		By("and gets the posts of the others")
		id, sent, r = w.PostGroup(ctx, alice, g, bundles(bob), "welcome back")
		ExpectStatus(r, 202)
		Expect(NextEnvelope(ctx, bs, id)).To(MatchJSON(sent))
	})
})
