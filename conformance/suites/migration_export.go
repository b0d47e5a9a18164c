package suites

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/account"
)

var _ = Describe("Export and import", func() {
	Conformance(Migration, "gives the account's data for an export and restores it, idempotently, on another server", Reqs("EXPORT-DATA-01", "IMPORT-APPLY-01", "IMPORT-IDEM-01"), func(ctx SpecContext, w *World) {
		alice, bob, carol := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.A(), "carol")
		w.Befriend(ctx, alice, bob)
		w.Befriend(ctx, alice, carol) // then blocked: a block of a stranger has no bundle and is not exported
		ExpectStatus(w.Call(ctx, alice, "PUT", "/emsg/v1/contacts/"+probe.PathOf(carol.Addr)+"/block", nil), 204)
		ExpectStatus(w.Call(ctx, alice, "PATCH", "/emsg/v1/settings", map[string]any{"accept_strangers": true, "ttl": 3600}), 200)
		fav, err := alice.SelfEnvelope("pinned", 0)
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(putFavorite(ctx, w, alice, fav.ID, fav), 204)
		var group string
		if w.Features(ctx, w.A())["groups"] {
			group = w.createGroup(ctx, alice).String()
		}

		By("GET /account/data holds contacts with bundles and states, groups with roles, settings and favorites")
		d, r, err := alice.Data(ctx)
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 200)
		states := map[string]string{}
		for _, c := range d.Contacts {
			states[c.Address.String()] = c.State
			if c.Address == bob.Addr {
				Expect(c.Bundle.SignKey).To(Equal(bob.Bundle().SignKey), "bob's bundle")
			}
		}
		Expect(states).To(Equal(map[string]string{bob.Addr.String(): "accepted", carol.Addr.String(): "blocked"}))
		Expect(d.Settings.AcceptStrangers).To(BeTrue())
		Expect(d.Settings.TTL).To(BeEquivalentTo(3600))
		Expect(d.Favorites).To(HaveLen(1))
		Expect(string(d.Favorites[0])).To(ContainSubstring(fav.ID))
		if group != "" {
			Expect(d.Groups).To(ContainElement(account.Group{Address: d.Groups[0].Address, Role: "owner"}))
			Expect(d.Groups[0].Address.String()).To(Equal(group))
		}

		By("the same keys, registered on b, import the export")
		moved, err := w.P.RegisterMoved(ctx, alice, w.B(), "alice")
		Expect(err).NotTo(HaveOccurred())
		x, err := alice.Export(d)
		Expect(err).NotTo(HaveOccurred())
		first := w.Call(ctx, moved, "POST", "/emsg/v1/account/import", x)
		ExpectStatus(first, 200)
		restored, r, err := moved.Data(ctx)
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 200)
		got := map[string]string{}
		for _, c := range restored.Contacts {
			got[c.Address.String()] = c.State
		}
		Expect(got).To(Equal(states), "the contacts with their states")
		Expect(restored.Settings).To(Equal(d.Settings), "the settings")
		Expect(restored.Favorites).To(HaveLen(1))
		Expect(string(restored.Favorites[0])).To(ContainSubstring(fav.ID), "the favorites")
		Expect(favoriteIDs(ctx, w, moved)).To(Equal([]string{fav.ID}))
		Expect(w.Contacts(ctx, moved)[bob.Addr.String()].Bundle.SignKey).To(Equal(bob.Bundle().SignKey), "bob's bundle")

		By("importing the same export again leaves the same state")
		ExpectStatus(w.Call(ctx, moved, "POST", "/emsg/v1/account/import", x), 200)
		again, _, err := moved.Data(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(raw(again)).To(Equal(raw(restored)))
	})

	Conformance(Migration, "refuses an export that does not verify with bad_signature and one signed by another key with forbidden, restoring nothing", Reqs("IMPORT-SIG-01", "IMPORT-KEY-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		d, r, err := alice.Data(ctx)
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 200)
		x, err := alice.Export(d)
		Expect(err).NotTo(HaveOccurred())
		moved, err := w.P.RegisterMoved(ctx, alice, w.B(), "alice")
		Expect(err).NotTo(HaveOccurred())

		By("a signature that does not verify")
		forged := mustObject(x)
		forged["sig"] = flipLast(forged["sig"].(string))
		ExpectError(w.Call(ctx, moved, "POST", "/emsg/v1/account/import", forged), "bad_signature")
		By("a valid export of another account's keys")
		dave := w.Register(ctx, w.B(), "dave")
		ExpectError(w.Call(ctx, dave, "POST", "/emsg/v1/account/import", x), "forbidden")
		Expect(w.Contacts(ctx, moved)).To(BeEmpty(), "the refused import restores nothing")
		Expect(w.Contacts(ctx, dave)).To(BeEmpty(), "the refused import restores nothing")
	})
})
