package suites

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/reference/protocol/address"
)

// Serial: the policy's auto_join applies to every registration of the
// domain while it is in force (see core_admin_policy.go).
var _ = Describe("Auto-join", Serial, func() {
	Conformance(Groups, "makes a new account a member of every group of the policy's auto_join at registration, with a joined event", Reqs("ACCT-AUTOJOIN-01"), func(ctx SpecContext, w *World) {
		key := w.Operator(ctx, w.A())
		owner := w.Register(ctx, w.A(), "owner")
		groups := []address.Address{w.NewGroup(ctx, owner, "Lobby"), w.NewGroup(ctx, owner, "Hall")}
		os := w.Stream(ctx, owner, -1)
		w.SetPolicy(ctx, key, w.A(), func(p map[string]any) { p["auto_join"] = []string{groups[0].String(), groups[1].String()} })

		newcomer := w.Register(ctx, w.A(), "newcomer")
		By("each group's members see the newcomer join")
		joined := map[string]string{} // group → actor of its joined event
		Eventually(ctx, func() int {
			for {
				f, ok := os.Poll()
				if !ok {
					return len(joined)
				}
				if ev, ok := f.GroupEvent(); ok && ev.Kind == "joined" {
					joined[ev.Group] = ev.Actor
				}
			}
		}).WithTimeout(scale(eventTimeout)).WithPolling(5*time.Millisecond).Should(Equal(2), "a joined event of each auto_join group")
		for _, g := range groups {
			Expect(joined).To(HaveKeyWithValue(g.String(), newcomer.Addr.String()), "the joined event of %s names the newcomer", g)
			Expect(w.ReadGroup(ctx, newcomer, g).Role(newcomer.Addr)).To(Equal("member"), "the newcomer's role in %s", g)
		}
	})
})
