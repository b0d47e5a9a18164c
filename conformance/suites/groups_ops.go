package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/address"
)

var _ = Describe("Group creation", func() {
	Conformance(Groups, "creates a group on the caller's domain with the caller as its only owner and a created event with seq 1", Reqs("GROUP-CREATE-01", "ADDR-GROUP-01", "GROUP-ORDER-01"), func(ctx SpecContext, w *World) {
		alice := w.Register(ctx, w.A(), "alice")
		as := w.Stream(ctx, alice, -1)
		r, err := alice.CreateGroup(ctx, "Climbing team", "")
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 201)
		var g probe.Group
		Expect(r.Decode(&g)).To(Succeed())
		addr, err := address.ParseCanonical(g.Address)
		Expect(err).NotTo(HaveOccurred(), "the group's address %q follows the account grammar", g.Address)
		Expect(addr.Domain).To(Equal(w.A()), "the group lives on the creator's server")
		Expect(g.Owner).To(Equal(alice.Addr.String()))
		Expect(g.Members).To(Equal([]probe.GroupMember{{Address: alice.Addr.String(), Role: "owner"}}))
		Expect(g.Seq).To(BeEquivalentTo(1))
		ev := NextGroupEvent(ctx, as, addr, "created")
		Expect(ev.Seq).To(BeEquivalentTo(1))
		Expect(ev.Actor).To(Equal(alice.Addr.String()))
		Expect(ev.Name).To(Equal("Climbing team"))

		By("a group whose local part the creator asks for")
		local := probe.FreshLocal("team")
		r, err = alice.CreateGroup(ctx, "Named", local)
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 201)
		Expect(r.Decode(&g)).To(Succeed())
		Expect(g.Address).To(Equal(local + "#" + w.A()))
	})

	Conformance(Groups, "refuses a local part used by an account or a group with address_taken", Reqs("GROUP-CREATE-02", "ERR-STATE-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		By("the local part of an account")
		r, err := alice.CreateGroup(ctx, "Impostor", bob.Addr.Local)
		Expect(err).NotTo(HaveOccurred())
		ExpectError(r, "address_taken")
		By("the local part of a group")
		local := probe.FreshLocal("team")
		r, err = alice.CreateGroup(ctx, "First", local)
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 201)
		r, err = bob.CreateGroup(ctx, "Second", local)
		Expect(err).NotTo(HaveOccurred())
		ExpectError(r, "address_taken")
		g, err := address.ParseCanonical(local + "#" + w.A())
		Expect(err).NotTo(HaveOccurred())
		got := w.ReadGroup(ctx, alice, g)
		Expect(got.Name).To(Equal("First"), "the refused creation changed nothing")
		Expect(got.Owner).To(Equal(alice.Addr.String()))
	})
})

var _ = Describe("Group operations", func() {
	Conformance(Groups, "refuses every operation a role does not allow with forbidden, non-members included", Reqs("GROUP-AUTHZ-01", "GROUP-ACCEPT-01", "GROUP-REFUSED-02"), func(ctx SpecContext, w *World) {
		alice := w.Register(ctx, w.A(), "alice")
		bob, carol, eve := w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.A(), "carol"), w.Register(ctx, w.A(), "eve")
		g := w.NewGroup(ctx, alice, "Roles")
		w.AddMember(ctx, g, alice, bob, carol)
		as := w.Stream(ctx, alice, -1)
		w.Act(ctx, alice, g, probe.SetRole(bob.Addr, "admin"))
		NextGroupEvent(ctx, as, g, "role_changed")
		before := w.ReadGroup(ctx, alice, g)
		for _, tc := range []struct {
			name  string
			actor *probe.Account
			op    probe.GroupOp
		}{
			{"a member invites", carol, probe.Invite(eve.Addr)},
			{"a member kicks", carol, probe.Kick(bob.Addr)},
			{"a member renames", carol, probe.Rename("mine now")},
			{"a member changes a role", carol, probe.SetRole(carol.Addr, "admin")},
			{"a member dissolves", carol, probe.Dissolve()},
			{"an admin kicks the owner", bob, probe.Kick(alice.Addr)},
			{"an admin changes a role", bob, probe.SetRole(carol.Addr, "admin")},
			{"an admin dissolves", bob, probe.Dissolve()},
			{"a non-member invites", eve, probe.Invite(eve.Addr)},
			{"a non-member renames", eve, probe.Rename("hijacked")},
			{"a non-member kicks", eve, probe.Kick(carol.Addr)},
		} {
			By(tc.name)
			s := w.Stream(ctx, tc.actor, -1)
			id := w.Act(ctx, tc.actor, g, tc.op)
			ExpectRefused(ctx, s, g, id, tc.op.Name, "forbidden")
			Expect(s.Close()).To(Succeed())
		}
		after := w.ReadGroup(ctx, alice, g)
		Expect(after).To(Equal(before), "no refused operation changed the group")
	})

	Conformance(Groups, "refuses a join without a pending invitation and lets an invited account join", Reqs("GROUP-JOIN-01", "GROUP-EVENT-01", "GROUP-ACCEPT-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		g := w.NewGroup(ctx, alice, "Invitations")
		as, bs := w.Stream(ctx, alice, -1), w.Stream(ctx, bob, -1)
		id := w.Act(ctx, bob, g, probe.Join())
		ExpectRefused(ctx, bs, g, id, "join", "forbidden")
		Expect(w.roleSeen(ctx, alice, g, bob.Addr)).To(BeEmpty(), "the refused join changed nothing")
		w.Act(ctx, alice, g, probe.Invite(bob.Addr))
		for _, s := range []*probe.Stream{as, bs} {
			ev := NextGroupEvent(ctx, s, g, "invited")
			Expect(ev.Target).To(Equal(bob.Addr.String()))
			Expect(ev.Actor).To(Equal(alice.Addr.String()))
		}
		w.Act(ctx, bob, g, probe.Join())
		for _, s := range []*probe.Stream{as, bs} {
			Expect(NextGroupEvent(ctx, s, g, "joined").Actor).To(Equal(bob.Addr.String()))
		}
		Expect(w.ReadGroup(ctx, alice, g).Role(bob.Addr)).To(Equal("member"))
	})

	Conformance(Groups, "refuses a leave by the owner with forbidden and by a non-member with not_found, and lets a member leave", Reqs("GROUP-LEAVE-01", "GROUP-EVENT-01"), func(ctx SpecContext, w *World) {
		alice, bob, eve := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.A(), "eve")
		g := w.NewGroup(ctx, alice, "Leaving")
		w.AddMember(ctx, g, alice, bob)
		as, bs, es := w.Stream(ctx, alice, -1), w.Stream(ctx, bob, -1), w.Stream(ctx, eve, -1)
		By("the owner")
		id := w.Act(ctx, alice, g, probe.Leave())
		ExpectRefused(ctx, as, g, id, "leave", "forbidden")
		By("an account that is not a member")
		id = w.Act(ctx, eve, g, probe.Leave())
		ExpectRefused(ctx, es, g, id, "leave", "not_found")
		Expect(w.ReadGroup(ctx, alice, g).Role(alice.Addr)).To(Equal("owner"))
		By("a member")
		w.Act(ctx, bob, g, probe.Leave())
		for _, s := range []*probe.Stream{as, bs} {
			Expect(NextGroupEvent(ctx, s, g, "left").Actor).To(Equal(bob.Addr.String()))
		}
		Expect(w.ReadGroup(ctx, alice, g).Role(bob.Addr)).To(BeEmpty())
	})

	Conformance(Groups, "transfers ownership in one role_changed event that makes the old owner an admin", Reqs("GROUP-OWNER-01", "GROUP-ORDER-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		g := w.NewGroup(ctx, alice, "Succession")
		w.AddMember(ctx, g, alice, bob)
		bs := w.Stream(ctx, bob, -1)
		seq := w.ReadGroup(ctx, alice, g).Seq
		w.Act(ctx, alice, g, probe.SetRole(bob.Addr, "owner"))
		ev := NextGroupEvent(ctx, bs, g, "role_changed")
		Expect(ev.Seq).To(Equal(seq + 1))
		Expect(ev.Target).To(Equal(bob.Addr.String()), "the target is the new owner")
		Expect(ev.Role).To(Equal("owner"))
		Expect(ev.Actor).To(Equal(alice.Addr.String()), "the actor is the previous owner")
		NoGroupEvent(ctx, bs, g)
		got := w.ReadGroup(ctx, bob, g)
		Expect(got.Seq).To(Equal(seq+1), "one event records both changes")
		Expect(got.Owner).To(Equal(bob.Addr.String()))
		Expect(got.Role(bob.Addr)).To(Equal("owner"))
		Expect(got.Role(alice.Addr)).To(Equal("admin"))
		owners := 0
		for _, m := range got.Members {
			if m.Role == "owner" {
				owners++
			}
		}
		Expect(owners).To(Equal(1), "exactly one owner")
	})

	Conformance(Groups, "answers not_found for a group it does not host or know", Reqs("GROUP-UNKNOWN-01", "GROUP-REFUSED-01", "GROUP-REFUSED-02"), func(ctx SpecContext, w *World) {
		alice := w.Register(ctx, w.A(), "alice")
		as := w.Stream(ctx, alice, -1)
		nowhere, err := address.ParseCanonical(probe.FreshLocal("nowhere") + "#" + w.A())
		Expect(err).NotTo(HaveOccurred())
		r, err := alice.ReadGroup(ctx, nowhere)
		Expect(err).NotTo(HaveOccurred())
		ExpectError(r, "not_found")
		id := w.Act(ctx, alice, nowhere, probe.Join())
		ExpectRefused(ctx, as, nowhere, id, "join", "not_found")
		By("a group-changing operation on an account's address")
		id = w.Act(ctx, alice, alice.Addr, probe.Rename("not a group"))
		ExpectRefused(ctx, as, alice.Addr, id, "rename", "not_found")
		By("a group another server does not host: its refusal comes back as the item's result")
		elsewhere, err := address.ParseCanonical(probe.FreshLocal("nowhere") + "#" + w.B())
		Expect(err).NotTo(HaveOccurred())
		id = w.Act(ctx, alice, elsewhere, probe.Join())
		ExpectRefused(ctx, as, elsewhere, id, "join", "not_found")
	})

	Conformance(Groups, "sends dissolved to every member and answers later operations and posts with gone", Reqs("GROUP-DISSOLVE-01", "GROUP-EVENT-01"), func(ctx SpecContext, w *World) {
		alice, bob, carol := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.B(), "carol")
		g := w.NewGroup(ctx, alice, "Short-lived")
		w.AddMember(ctx, g, alice, bob, carol)
		as, bs, cs := w.Stream(ctx, alice, -1), w.Stream(ctx, bob, -1), w.Stream(ctx, carol, -1)
		w.Act(ctx, alice, g, probe.Dissolve())
		for _, s := range []*probe.Stream{as, bs, cs} {
			Expect(NextGroupEvent(ctx, s, g, "dissolved").Actor).To(Equal(alice.Addr.String()))
		}
		By("an operation after the dissolution")
		id := w.Act(ctx, bob, g, probe.Leave())
		ExpectRefused(ctx, bs, g, id, "leave", "gone")
		By("an operation from another server after the dissolution")
		id = w.Act(ctx, carol, g, probe.Leave())
		ExpectRefused(ctx, cs, g, id, "leave", "gone")
		By("a post after the dissolution")
		_, _, r := w.PostGroup(ctx, alice, g, bundles(bob, carol), "anyone left?")
		ExpectError(r, "gone")
		By("a post from another server after the dissolution")
		id, _, r = w.PostGroup(ctx, carol, g, bundles(alice, bob), "still there?")
		ExpectPostRefused(ctx, cs, carol, g, r, id, "gone")
	})
})
