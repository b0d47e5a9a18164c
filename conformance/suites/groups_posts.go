package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
)

var _ = Describe("Group posts", func() {
	Conformance(Groups, "delivers a group envelope unchanged to every current member but the sender, across servers, with no receipt", Reqs("GROUP-FANOUT-01", "GROUP-FORWARD-01", "RCPT-GROUP-01", "ENV-INTACT-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		carol, dave, erin := w.Register(ctx, w.B(), "carol"), w.Register(ctx, w.C(), "dave"), w.Register(ctx, w.A(), "erin")
		g := w.NewGroup(ctx, alice, "Posts")
		w.AddMember(ctx, g, alice, bob, carol, dave, erin)
		w.Act(ctx, erin, g, probe.Leave())
		Eventually(ctx, func() string { return w.roleSeen(ctx, alice, g, erin.Addr) }).Should(BeEmpty())
		streams := map[*probe.Account]*probe.Stream{}
		for _, a := range []*probe.Account{alice, bob, carol, dave, erin} {
			streams[a] = w.Stream(ctx, a, -1)
		}
		for _, tc := range []struct {
			name   string
			sender *probe.Account
		}{
			{"a member of the host's server posts", alice},
			{"a member of another server posts, through its server", dave},
		} {
			By(tc.name)
			readers := bundles(alice, bob, carol, dave)
			id, sent, r := w.PostGroup(ctx, tc.sender, g, readers, "hello group")
			ExpectStatus(r, 202)
			for _, m := range []*probe.Account{alice, bob, carol, dave} {
				if m == tc.sender {
					continue
				}
				Expect(NextEnvelope(ctx, streams[m], id)).To(MatchJSON(sent), "%s gets the envelope as sent", m.Addr)
				By(m.Addr.String() + " has no read receipt to send for a group envelope")
				rc := w.Call(ctx, m, "POST", "/emsg/v1/receipts", map[string]any{"kind": "read", "to": tc.sender.Addr, "ids": []string{id}})
				ExpectError(rc, "not_found")
			}
			NoEvent(ctx, streams[tc.sender], "envelope")
			NoEvent(ctx, streams[tc.sender], "receipt")
		}
		NoEvent(ctx, streams[erin], "envelope")
	})

	Conformance(Groups, "refuses with forbidden a group envelope from an account that is not a current member", Reqs("GROUP-POST-01", "GROUP-AUTHZ-01", "GROUP-FORWARD-01"), func(ctx SpecContext, w *World) {
		alice, bob, eve, carol := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.A(), "eve"), w.Register(ctx, w.A(), "carol")
		dave, frank := w.Register(ctx, w.B(), "dave"), w.Register(ctx, w.C(), "frank")
		g := w.NewGroup(ctx, alice, "Members only")
		w.AddMember(ctx, g, alice, bob, carol, dave)
		for _, m := range []*probe.Account{carol, dave} {
			w.Act(ctx, alice, g, probe.Kick(m.Addr))
			Eventually(ctx, func() string { return w.roleSeen(ctx, m, g, m.Addr) }).Should(BeEmpty(), "%s is kicked", m.Addr)
		}
		as, bs := w.Stream(ctx, alice, -1), w.Stream(ctx, bob, -1)
		for _, tc := range []struct {
			name   string
			sender *probe.Account
		}{
			{"an account that never was a member", eve},
			{"a kicked member", carol},
			{"an account of another server that never was a member, through its server", frank},
			{"a kicked member of another server, through its server", dave},
		} {
			By(tc.name)
			s := w.Stream(ctx, tc.sender, -1)
			id, _, r := w.PostGroup(ctx, tc.sender, g, bundles(alice, bob), "let me in")
			ExpectPostRefused(ctx, s, tc.sender, g, r, id, "forbidden")
		}
		NoEvent(ctx, as, "envelope")
		NoEvent(ctx, bs, "envelope")
	})
})
