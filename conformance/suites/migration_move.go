package suites

import (
	"encoding/json"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// skewed is a clock off by d (a notice's ts beyond the 300 s window).
func skewed(deps wire.Deps, d time.Duration) wire.Deps {
	return wire.Deps{Rand: deps.Rand, Now: func() time.Time { return time.Now().Add(d) }}
}

var _ = Describe("Move", func() {
	Conformance(Migration, "forwards a move to local and remote contacts, whose servers switch the contact to the new address and keep its state", Reqs("MOVE-NOTIFY-01", "MOVE-CONTACT-01"), func(ctx SpecContext, w *World) {
		alice, bob, carol := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.B(), "carol")
		w.Friends(ctx, alice, bob)
		w.Friends(ctx, alice, carol)
		bs, cs := w.Stream(ctx, bob, -1), w.Stream(ctx, carol, -1)
		moved, err := w.P.RegisterMoved(ctx, alice, w.C(), "alice")
		Expect(err).NotTo(HaveOccurred())
		notice, err := alice.MoveNotice(moved.Bundle())
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/account/move", notice), 202)
		for _, tc := range []struct {
			who *probe.Account
			s   *probe.Stream
		}{{bob, bs}, {carol, cs}} {
			By(tc.who.Addr.String() + " gets a moved event and holds the new address")
			n := noticeEvent(ctx, tc.s, "moved")
			Expect(n["from"]).To(Equal(alice.Addr.String()))
			Expect(n["to"]).To(Equal(moved.Addr.String()))
			Eventually(ctx, func() string { return w.stateOf(ctx, tc.who, moved.Addr) }).WithTimeout(scale(deliveryTimeout)).Should(Equal("accepted"))
			cs := w.Contacts(ctx, tc.who)
			Expect(cs).NotTo(HaveKey(alice.Addr.String()), "the old address is replaced")
			Expect(cs[moved.Addr.String()].Bundle).NotTo(BeNil())
			Expect(cs[moved.Addr.String()].Bundle.Address).To(Equal(moved.Addr), "the new bundle")
		}
		By("posting the same notice again is harmless")
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/account/move", notice), 202)
	})

	Conformance(Migration, "answers moved with moved_to for a moved address, and to the moved account's own sends", Reqs("MOVE-ANSWER-01", "MOVE-SEND-01", "ERR-MOVED-01", "KEY-FETCH-03"), func(ctx SpecContext, w *World) {
		alice, bob, dave := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob"), w.Register(ctx, w.A(), "dave")
		w.Befriend(ctx, alice, bob)
		strangerOK(ctx, w, alice)
		moved, err := w.P.RegisterMoved(ctx, alice, w.C(), "alice")
		Expect(err).NotTo(HaveOccurred())
		notice, err := alice.MoveNotice(moved.Bundle())
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/account/move", notice), 202)

		By("an envelope, a contact request and a key request for the old address")
		_, r := w.Send(ctx, bob, alice.Bundle(), "still there?")
		ExpectMoved(r, moved.Addr)
		ExpectMoved(w.Call(ctx, dave, "POST", "/emsg/v1/contacts/requests", request(dave, alice.Addr)), moved.Addr)
		ExpectMoved(w.Call(ctx, bob, "GET", "/emsg/v1/keys/"+probe.PathOf(alice.Addr), nil), moved.Addr)
		By("an envelope sent on the stream: a result frame with moved_to")
		bs := w.Stream(ctx, bob, -1)
		NextFrame(ctx, bs, "ready")
		env, err := bob.Seal(alice.Bundle(), "by frame")
		Expect(err).NotTo(HaveOccurred())
		Expect(bs.Send(map[string]any{"type": "send", "ref": "m1", "envelope": env})).To(Succeed())
		res := NextFrame(ctx, bs, "result")
		var e errorWithMove
		Expect(json.Unmarshal(res.Raw, &e)).To(Succeed())
		Expect(e).To(Equal(errorWithMove{Error: "moved", MovedTo: moved.Addr.String()}), "result frame %s", res.Raw)
		By("the moved account sends an envelope and a contact request")
		_, r = w.Send(ctx, alice, bob.Bundle(), "from the old address")
		ExpectMoved(r, moved.Addr)
		ExpectMoved(w.Call(ctx, alice, "POST", "/emsg/v1/contacts/requests", request(alice, dave.Addr)), moved.Addr)
	})

	Conformance(Migration, "answers moved with moved_to in the per-item result of a federated envelope for a moved address", Reqs("MOVE-ANSWER-01", "ERR-MOVED-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		strangerOK(ctx, w, alice)
		moved, err := w.P.RegisterMoved(ctx, alice, w.C(), "alice")
		Expect(err).NotTo(HaveOccurred())
		notice, err := alice.MoveNotice(moved.Bundle())
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/account/move", notice), 202)
		_, env := peerEnvelope(w, peer, alice.Bundle())
		txn, err := peer.Transaction(w.A(), envelopeItem(env))
		Expect(err).NotTo(HaveOccurred())
		r, err := peer.Send(ctx, w.P, txn, fakepeer.SendOptions{})
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 200)
		var res struct {
			Results []struct {
				Status  string `json:"status"`
				Error   string `json:"error"`
				MovedTo string `json:"moved_to"`
			} `json:"results"`
		}
		Expect(r.Decode(&res)).To(Succeed())
		Expect(res.Results).To(HaveLen(1))
		Expect(res.Results[0].Error).To(Equal("moved"), "results %s", r.Body)
		Expect(res.Results[0].MovedTo).To(Equal(moved.Addr.String()))
	})

	Conformance(Migration, "refuses a move notice of another account, not signed by the current key or out of time, and changes nothing", Reqs("MOVE-CHECK-01", "NOTICE-TS-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		moved, err := w.P.RegisterMoved(ctx, alice, w.C(), "alice")
		Expect(err).NotTo(HaveOccurred())
		By("bob posts alice's notice")
		notice, err := alice.MoveNotice(moved.Bundle())
		Expect(err).NotTo(HaveOccurred())
		ExpectError(w.Call(ctx, bob, "POST", "/emsg/v1/account/move", notice), "forbidden")
		By("a notice signed by another key")
		other, err := keys.NewIdentity(w.P.Deps, alice.Addr)
		Expect(err).NotTo(HaveOccurred())
		forged, err := account.NewMoveNotice(w.P.Deps, alice.Addr, other.SignKey(), moved.Bundle())
		Expect(err).NotTo(HaveOccurred())
		ExpectError(w.Call(ctx, alice, "POST", "/emsg/v1/account/move", forged), "bad_signature")
		By("a notice dated ten minutes ago and one ten minutes ahead")
		for _, d := range []time.Duration{-10 * time.Minute, 10 * time.Minute} {
			late, err := account.NewMoveNotice(skewed(w.P.Deps, d), alice.Addr, alice.ID.SignKey(), moved.Bundle())
			Expect(err).NotTo(HaveOccurred())
			ExpectError(w.Call(ctx, alice, "POST", "/emsg/v1/account/move", late), "unauthorized")
		}
		By("alice has not moved")
		_, r := w.Send(ctx, alice, bob.Bundle(), "still here")
		ExpectStatus(r, 202)
		ExpectStatus(w.Call(ctx, bob, "GET", "/emsg/v1/keys/"+probe.PathOf(alice.Addr), nil), 200)
	})

	Conformance(Migration, "refuses the move of an account that owns a group", Reqs("MOVE-OWNER-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		w.createGroup(ctx, alice)
		moved, err := w.P.RegisterMoved(ctx, alice, w.C(), "alice")
		Expect(err).NotTo(HaveOccurred())
		notice, err := alice.MoveNotice(moved.Bundle())
		Expect(err).NotTo(HaveOccurred())
		ExpectError(w.Call(ctx, alice, "POST", "/emsg/v1/account/move", notice), "forbidden")
		_, r := w.Send(ctx, alice, bob.Bundle(), "still here")
		ExpectStatus(r, 202)
	})
})
