package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/account"
)

var _ = Describe("Group members who move", func() {
	Conformance(Groups, "records a moved member's departure and the new address's invitation, which may join", Reqs("GROUP-MOVE-01", "GROUP-EVENT-01"), func(ctx SpecContext, w *World) {
		if !w.Features(ctx, w.A())["migration"] {
			Skip("needs the migration profile: a.test does not advertise it")
		}
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		bob2 := w.Register(ctx, w.B(), "bob2")
		g := w.NewGroup(ctx, alice, "Movers")
		w.AddMember(ctx, g, alice, bob)
		as, ns := w.Stream(ctx, alice, -1), w.Stream(ctx, bob2, -1)
		notice, err := account.NewMoveNotice(w.P.Deps, bob.Addr, bob.ID.SignKey(), bob2.Bundle())
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(w.Call(ctx, bob, "POST", "/emsg/v1/account/move", notice), 202)
		left := NextGroupEvent(ctx, as, g, "left")
		Expect(left.Actor).To(Equal(bob.Addr.String()), "the old address leaves")
		invited := NextGroupEvent(ctx, as, g, "invited")
		Expect(invited.Target).To(Equal(bob2.Addr.String()), "the new address is invited")
		Expect(invited.Seq).To(Equal(left.Seq + 1))
		Expect(NextGroupEvent(ctx, ns, g, "invited").Target).To(Equal(bob2.Addr.String()), "the new address hears of its invitation")
		w.Act(ctx, bob2, g, probe.Join())
		Eventually(ctx, func() string { return w.roleSeen(ctx, alice, g, bob2.Addr) }).Should(Equal("member"))
		Expect(w.ReadGroup(ctx, alice, g).Role(bob.Addr)).To(BeEmpty())
	})
})
