package suites

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/keys"
)

var _ = Describe("Delete", func() {
	Conformance(Migration, "purges a deleted account, tells its contacts, answers gone for it and keeps its local part reserved", Reqs("DEL-NOTIFY-01", "DEL-PURGE-01", "DEL-GONE-01", "DEL-RESERVE-01", "KEY-FETCH-03"), func(ctx SpecContext, w *World) {
		alice, bob, carol, dave := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.B(), "carol"), w.Register(ctx, w.A(), "dave")
		w.Friends(ctx, alice, bob)
		w.Friends(ctx, alice, carol)
		fav, err := alice.SelfEnvelope("pinned", 0)
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(putFavorite(ctx, w, alice, fav.ID, fav), 204)
		bs, cs := w.Stream(ctx, bob, -1), w.Stream(ctx, carol, -1)
		notice, err := alice.DeleteNotice()
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/account/delete", notice), 202)

		By("the contacts get a deleted event and lose the contact")
		for _, tc := range []struct {
			who *probe.Account
			s   *probe.Stream
		}{{bob, bs}, {carol, cs}} {
			n := noticeEvent(ctx, tc.s, "deleted")
			Expect(n["address"]).To(Equal(alice.Addr.String()))
			Eventually(ctx, func() map[string]contact { return w.Contacts(ctx, tc.who) }).WithTimeout(scale(deliveryTimeout)).
				ShouldNot(HaveKey(alice.Addr.String()), "%s drops the deleted contact", tc.who.Addr)
		}
		By("the account's tokens are gone and it cannot log in")
		ExpectError(w.Call(ctx, alice, "GET", "/emsg/v1/favorites", nil), "unauthorized")
		Expect(alice.Login(ctx)).NotTo(Succeed(), "a deleted account cannot log in")
		By("an envelope, a contact request and a key request for it")
		_, r := w.Send(ctx, bob, alice.Bundle(), "are you there?")
		ExpectError(r, "gone")
		ExpectError(w.Call(ctx, dave, "POST", "/emsg/v1/contacts/requests", request(dave, alice.Addr)), "gone")
		ExpectError(w.Call(ctx, bob, "GET", "/emsg/v1/keys/"+probe.PathOf(alice.Addr), nil), "gone")
		By("registering its local part again")
		taker, err := keys.NewIdentity(w.P.Deps, alice.Addr)
		Expect(err).NotTo(HaveOccurred())
		again, err := w.P.RegisterIdentity(ctx, taker, "")
		Expect(err).NotTo(HaveOccurred())
		ExpectError(again, "address_taken")
	})

	Conformance(Migration, "makes a deleted account leave its groups and dissolves those it owns", Reqs("DEL-GROUPS-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		owned, joined := w.createGroup(ctx, alice), w.createGroup(ctx, bob)
		w.joinGroup(ctx, alice, bob, owned)
		w.joinGroup(ctx, bob, alice, joined)
		Expect(w.members(ctx, bob, joined)).To(ContainElement(alice.Addr.String()))
		notice, err := alice.DeleteNotice()
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/account/delete", notice), 202)
		Eventually(ctx, func() []string { return w.members(ctx, bob, joined) }).WithTimeout(scale(deliveryTimeout)).
			ShouldNot(ContainElement(alice.Addr.String()), "alice leaves bob's group")
		Eventually(ctx, func() int { return w.Call(ctx, bob, "GET", "/emsg/v1/groups/"+probe.PathOf(owned), nil).Status }).
			WithTimeout(scale(deliveryTimeout)).ShouldNot(Equal(200), "alice's group is dissolved")
	})

	Conformance(Migration, "refuses a delete notice of another account, not signed by the current key or out of time, and deletes nothing", Reqs("DEL-CHECK-01", "NOTICE-TS-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		By("bob posts alice's notice")
		notice, err := alice.DeleteNotice()
		Expect(err).NotTo(HaveOccurred())
		ExpectError(w.Call(ctx, bob, "POST", "/emsg/v1/account/delete", notice), "forbidden")
		By("a notice signed by another key")
		other, err := keys.NewIdentity(w.P.Deps, alice.Addr)
		Expect(err).NotTo(HaveOccurred())
		forged, err := account.NewDeleteNotice(w.P.Deps, alice.Addr, other.SignKey())
		Expect(err).NotTo(HaveOccurred())
		ExpectError(w.Call(ctx, alice, "POST", "/emsg/v1/account/delete", forged), "bad_signature")
		By("a notice dated ten minutes ago and one ten minutes ahead")
		for _, d := range []time.Duration{-10 * time.Minute, 10 * time.Minute} {
			late, err := account.NewDeleteNotice(skewed(w.P.Deps, d), alice.Addr, alice.ID.SignKey())
			Expect(err).NotTo(HaveOccurred())
			ExpectError(w.Call(ctx, alice, "POST", "/emsg/v1/account/delete", late), "unauthorized")
		}
		By("alice still exists")
		_, r := w.Send(ctx, alice, bob.Bundle(), "still here")
		ExpectStatus(r, 202)
		Expect(w.Contacts(ctx, bob)).To(HaveKey(alice.Addr.String()))
	})
})
