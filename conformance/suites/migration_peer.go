package suites

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/oklog/ulid/v2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/keys"
)

// peerContact makes a fresh account of the fake peer an accepted contact
// of a: its request arrives over federation and a accepts it.
func (w *World) peerContact(ctx SpecContext, peer *fakepeer.Peer, a *probe.Account) *keys.Identity {
	GinkgoHelper()
	id, _ := w.peerAccount(peer)
	req := map[string]any{"kind": "contact_request", "request": map[string]any{"id": ulid.Make().String(),
		"from": id.Address(), "to": a.Addr, "bundle": id.Bundle(), "ts": time.Now().UnixMilli()}}
	expectItemResult(ctx, w, peer, "ok", req)
	ExpectStatus(w.Call(ctx, a, "POST", "/emsg/v1/contacts/requests/"+probe.PathOf(id.Address())+"/accept", map[string]any{"bundle": a.Bundle()}), 200)
	return id
}

// expectItemResult sends item from the peer to a.test and fails the spec
// unless its per-item result has status ("ok") or error code.
func expectItemResult(ctx SpecContext, w *World, peer *fakepeer.Peer, want string, item any) {
	GinkgoHelper()
	txn, err := peer.Transaction(w.A(), item)
	Expect(err).NotTo(HaveOccurred())
	r, err := peer.Send(ctx, w.P, txn, fakepeer.SendOptions{})
	Expect(err).NotTo(HaveOccurred())
	ExpectStatus(r, 200)
	res, err := fakepeer.Results(r)
	Expect(err).NotTo(HaveOccurred())
	Expect(res).To(HaveLen(1))
	got := res[0].Status
	if got == "error" {
		got = res[0].Error
	}
	Expect(got).To(Equal(want), "the item's result: %s", r.Body)
}

var _ = Describe("Notices from another server", func() {
	Conformance(Migration, "refuses forged move and delete notices with a per-item bad_signature and changes nothing", Reqs("FED-SPOOF-05"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		mallory := w.peerContact(ctx, peer, alice)
		as := w.Stream(ctx, alice, -1)
		NextFrame(ctx, as, "ready")
		impostor, err := keys.NewIdentity(peer.Deps, mallory.Address())
		Expect(err).NotTo(HaveOccurred())
		next, err := peer.NewAccount(probe.FreshLocal("mallory"))
		Expect(err).NotTo(HaveOccurred())
		By("a move notice signed by a key alice does not hold for mallory")
		move, err := account.NewMoveNotice(peer.Deps, mallory.Address(), impostor.SignKey(), next.Bundle())
		Expect(err).NotTo(HaveOccurred())
		expectItemResult(ctx, w, peer, "bad_signature", map[string]any{"kind": "move", "notice": move, "to": []any{alice.Addr}})
		By("a delete notice signed the same way")
		del, err := account.NewDeleteNotice(peer.Deps, mallory.Address(), impostor.SignKey())
		Expect(err).NotTo(HaveOccurred())
		expectItemResult(ctx, w, peer, "bad_signature", map[string]any{"kind": "delete", "notice": del, "to": []any{alice.Addr}})
		NoEvent(ctx, as, "moved")
		NoEvent(ctx, as, "deleted")
		cs := w.Contacts(ctx, alice)
		Expect(cs).To(HaveKey(mallory.Address().String()), "the contact is unchanged")
		Expect(cs[mallory.Address().String()].State).To(Equal("accepted"))
		Expect(cs).NotTo(HaveKey(next.Address().String()))
	})

	Conformance(Migration, "applies a genuine move notice from a contact's server: the contact takes the new address and bundle, keeping its state", Reqs("MOVE-CONTACT-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		mallory := w.peerContact(ctx, peer, alice)
		as := w.Stream(ctx, alice, -1)
		next, err := mallory.MovedTo(peer.Deps, mustAddress(probe.FreshLocal("mallory")+"#"+peer.Domain))
		Expect(err).NotTo(HaveOccurred())
		move, err := account.NewMoveNotice(peer.Deps, mallory.Address(), mallory.SignKey(), next.Bundle())
		Expect(err).NotTo(HaveOccurred())
		expectItemResult(ctx, w, peer, "ok", map[string]any{"kind": "move", "notice": move, "to": []any{alice.Addr}})
		n := noticeEvent(ctx, as, "moved")
		Expect(n["to"]).To(Equal(next.Address().String()))
		cs := w.Contacts(ctx, alice)
		Expect(cs).NotTo(HaveKey(mallory.Address().String()))
		Expect(cs).To(HaveKey(next.Address().String()))
		Expect(cs[next.Address().String()].State).To(Equal("accepted"))
		Expect(cs[next.Address().String()].Bundle.Created).To(Equal(next.Bundle().Created), "the bundle of the notice")
	})

	Conformance(Migration, "sends a remote contact's server a move item and a delete item naming the contact", Reqs("MOVE-NOTIFY-01", "DEL-NOTIFY-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice, dora := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "dora")
		mallory := w.peerContact(ctx, peer, alice)
		sam := w.peerContact(ctx, peer, dora)
		moved, err := w.P.RegisterMoved(ctx, alice, w.C(), "alice")
		Expect(err).NotTo(HaveOccurred())
		move, err := alice.MoveNotice(moved.Bundle())
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/account/move", move), 202)
		del, err := dora.DeleteNotice()
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(w.Call(ctx, dora, "POST", "/emsg/v1/account/delete", del), 202)
		for _, tc := range []struct {
			kind, signer, recipient string
		}{{"move", alice.Addr.String(), mallory.Address().String()}, {"delete", dora.Addr.String(), sam.Address().String()}} {
			By("a " + tc.kind + " item for " + tc.recipient)
			Eventually(ctx, func() bool { return peerGot(peer, tc.kind, tc.signer, tc.recipient) }).WithTimeout(scale(deliveryTimeout)).
				Should(BeTrue(), "a %s item from %s to %s", tc.kind, tc.signer, tc.recipient)
		}
	})
})

// peerGot reports whether the peer received a notice item of kind whose
// notice names signer and whose recipients include recipient.
func peerGot(peer *fakepeer.Peer, kind, signer, recipient string) bool {
	for _, r := range peer.Received() {
		for _, raw := range r.Items {
			var it struct {
				Kind   string         `json:"kind"`
				Notice map[string]any `json:"notice"`
				To     []string       `json:"to"`
			}
			if json.Unmarshal(raw, &it) != nil || it.Kind != kind || !slices.Contains(it.To, recipient) {
				continue
			}
			if it.Notice["from"] == signer || it.Notice["address"] == signer {
				return true
			}
		}
	}
	return false
}
