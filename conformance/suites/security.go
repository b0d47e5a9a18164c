package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
)

var _ = Describe("Authorization", func() {
	Conformance(Security, "refuses requests without a token, with an unknown one and after logout", Reqs("LOGIN-TOKEN-02", "LOGIN-LOGOUT-01"), func(ctx SpecContext, w *World) {
		alice := w.Register(ctx, w.A(), "alice")
		for _, tok := range []string{"", "not-a-token-at-all-0000000000"} {
			eve := &probe.Account{P: w.P, Addr: alice.Addr, Token: tok}
			ExpectError(w.Call(ctx, eve, "GET", "/emsg/v1/settings", nil), "unauthorized")
		}
		ExpectStatus(w.Call(ctx, alice, "GET", "/emsg/v1/settings", nil), 200)
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/logout", nil), 204)
		ExpectError(w.Call(ctx, alice, "GET", "/emsg/v1/settings", nil), "unauthorized")
	})

	Conformance(Security, "closes a stream with 4001 when its token is revoked", Reqs("STREAM-TOKEN-01"), func(ctx SpecContext, w *World) {
		alice := w.Register(ctx, w.A(), "alice")
		s := w.Stream(ctx, alice, -1)
		NextFrame(ctx, s, "ready")
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/logout", nil), 204)
		Eventually(ctx, s.Done()).Should(BeClosed())
		Expect(s.CloseCode()).To(Equal(4001))
	})

	Conformance(Security, "lets nobody send as someone else or answer someone else's request", Reqs("ENV-FROM-01", "API-SCOPE-01"), func(ctx SpecContext, w *World) {
		alice, bob, eve := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.A(), "eve")
		w.Befriend(ctx, alice, bob)
		bs := w.Stream(ctx, bob, -1)
		By("eve posts an envelope sealed by alice")
		env, err := alice.Seal(bob.Bundle(), "from alice?")
		Expect(err).NotTo(HaveOccurred())
		ExpectError(w.Call(ctx, eve, "POST", "/emsg/v1/messages", env), "forbidden")
		NoEvent(ctx, bs, "envelope")
		By("eve tries to accept a request meant for bob")
		carol := w.Register(ctx, w.A(), "carol")
		ExpectStatus(w.Call(ctx, carol, "POST", "/emsg/v1/contacts/requests", map[string]any{"to": bob.Addr, "bundle": carol.Bundle()}), 202)
		r := w.Call(ctx, eve, "POST", "/emsg/v1/contacts/requests/"+probe.PathOf(carol.Addr)+"/accept", map[string]any{"bundle": eve.Bundle()})
		ExpectError(r, "not_found")
		l := w.Call(ctx, eve, "GET", "/emsg/v1/contacts", nil)
		Expect(string(l.Body)).NotTo(ContainSubstring(carol.Addr.Local))
	})
})
