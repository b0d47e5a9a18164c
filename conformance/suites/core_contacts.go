package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

var _ = Describe("Contacts", func() {
	Conformance(Core, "delivers a request with the sender's bundle and, on acceptance, exchanges the bundles", Reqs("CONTACT-REQ-01", "CONTACT-ACCEPT-01", "CONTACT-REQ-04"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		as, bs := w.Stream(ctx, alice, -1), w.Stream(ctx, bob, -1)
		req := map[string]any{"to": bob.Addr, "bundle": alice.Bundle()}
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/contacts/requests", req), 202)
		f := NextEvent(ctx, bs, "contact_request")
		Expect(string(f.Event)).To(ContainSubstring(wire.EncodeBytes(alice.Bundle().SignKey)))
		By("a repeated request while pending")
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/contacts/requests", req), 202)
		NoEvent(ctx, bs, "contact_request")
		r := w.Call(ctx, bob, "POST", "/emsg/v1/contacts/requests/"+probe.PathOf(alice.Addr)+"/accept", map[string]any{"bundle": bob.Bundle()})
		ExpectStatus(r, 200)
		Expect(string(r.Body)).To(ContainSubstring(wire.EncodeBytes(alice.Bundle().SignKey)))
		acc := NextEvent(ctx, as, "contact_accepted")
		Expect(string(acc.Event)).To(ContainSubstring(wire.EncodeBytes(bob.Bundle().SignKey)))
		for _, who := range []*probe.Account{alice, bob} {
			l := w.Call(ctx, who, "GET", "/emsg/v1/contacts", nil)
			ExpectStatus(l, 200)
			Expect(string(l.Body)).To(ContainSubstring(`"accepted"`))
		}
	})

	Conformance(Core, "refuses a request carrying someone else's bundle, and one to a recipient who takes none", Reqs("CONTACT-REQ-02", "CONTACT-REQ-03"), func(ctx SpecContext, w *World) {
		alice, bob, carol := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.A(), "carol")
		ExpectError(w.Call(ctx, alice, "POST", "/emsg/v1/contacts/requests", map[string]any{"to": bob.Addr, "bundle": carol.Bundle()}), "forbidden")
		ExpectStatus(w.Call(ctx, bob, "PATCH", "/emsg/v1/settings", map[string]any{"accept_requests": false}), 200)
		ExpectError(w.Call(ctx, alice, "POST", "/emsg/v1/contacts/requests", map[string]any{"to": bob.Addr, "bundle": alice.Bundle()}), "forbidden")
	})

	Conformance(Core, "treats crossing requests as acceptance", Reqs("CONTACT-REQ-05"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		as := w.Stream(ctx, alice, -1)
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/contacts/requests", map[string]any{"to": bob.Addr, "bundle": alice.Bundle()}), 202)
		w.Call(ctx, bob, "POST", "/emsg/v1/contacts/requests", map[string]any{"to": alice.Addr, "bundle": bob.Bundle()})
		NextEvent(ctx, as, "contact_accepted")
	})

	Conformance(Core, "declines, removes and unblocks as asked, and answers not_found without a pending request", Reqs("CONTACT-ACCEPT-02", "CONTACT-DECLINE-01", "CONTACT-REMOVE-01", "CONTACT-UNBLOCK-01"), func(ctx SpecContext, w *World) {
		alice, bob, carol := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.A(), "carol")
		as := w.Stream(ctx, alice, -1)
		ExpectError(w.Call(ctx, bob, "POST", "/emsg/v1/contacts/requests/"+probe.PathOf(alice.Addr)+"/accept", map[string]any{"bundle": bob.Bundle()}), "not_found")
		By("a declined request")
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/contacts/requests", map[string]any{"to": bob.Addr, "bundle": alice.Bundle()}), 202)
		Expect(w.Call(ctx, bob, "POST", "/emsg/v1/contacts/requests/"+probe.PathOf(alice.Addr)+"/decline", nil).Status).To(BeNumerically("<", 300))
		NextEvent(ctx, as, "contact_declined")
		By("a removed contact")
		w.Befriend(ctx, alice, carol)
		ExpectStatus(w.Call(ctx, carol, "DELETE", "/emsg/v1/contacts/"+probe.PathOf(alice.Addr), nil), 204)
		NextEvent(ctx, as, "contact_removed")
		ExpectError(w.Call(ctx, carol, "DELETE", "/emsg/v1/contacts/"+probe.PathOf(alice.Addr), nil), "not_found")
		By("an unblocked former contact stays a stranger")
		w.Befriend(ctx, alice, bob)
		ExpectStatus(w.Call(ctx, bob, "PUT", "/emsg/v1/contacts/"+probe.PathOf(alice.Addr)+"/block", nil), 204)
		ExpectStatus(w.Call(ctx, bob, "DELETE", "/emsg/v1/contacts/"+probe.PathOf(alice.Addr)+"/block", nil), 204)
		_, r := w.Send(ctx, alice, bob.Bundle(), "friends again?")
		ExpectError(r, "not_a_contact")
	})
})
