package suites

import (
	"encoding/json"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/address"
)

// peerGroup is a fresh group address on the fake peer's domain.
func peerGroup(peer *fakepeer.Peer) address.Address {
	GinkgoHelper()
	g, err := address.ParseCanonical(probe.FreshLocal("club") + "#" + peer.Domain)
	Expect(err).NotTo(HaveOccurred())
	return g
}

// refuseKind answers every item of kind with the error code, the others ok.
func refuseKind(kind, code string) fakepeer.Responder {
	return func(r fakepeer.Received) (int, []byte, bool) {
		type result struct {
			Index  int    `json:"index"`
			Status string `json:"status"`
			Error  string `json:"error,omitempty"`
		}
		out := struct {
			Results []result `json:"results"`
		}{Results: []result{}}
		for i, raw := range r.Items {
			var head struct {
				Kind string `json:"kind"`
			}
			_ = json.Unmarshal(raw, &head)
			res := result{Index: i, Status: "ok"}
			if head.Kind == kind {
				res.Status, res.Error = "error", code
			}
			out.Results = append(out.Results, res)
		}
		body, _ := json.Marshal(out)
		return 200, body, false
	}
}

// groupEventItem is a group_event item from the host (fed-item.json).
func groupEventItem(g address.Address, seq uint64, kind string, actor address.Address, to []address.Address, extra map[string]any) map[string]any {
	ev := map[string]any{"group": g, "seq": seq, "kind": kind, "actor": actor, "ts": 1700000000000 + int64(seq)}
	for k, v := range extra {
		ev[k] = v
	}
	return map[string]any{"kind": "group_event", "event": ev, "to": to}
}

var _ = Describe("Groups across federation", func() {
	Conformance(Groups, "forwards an operation on a remote group as a group_request item whose id is the request id, the same on every retry", Reqs("GROUP-FORWARD-01", "GROUP-FORWARD-02", "GROUP-ACCEPT-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		g := peerGroup(peer)
		alice := w.Register(ctx, w.A(), "alice")
		var refused atomic.Bool
		peer.SetResponder(func(r fakepeer.Received) (int, []byte, bool) {
			if len(itemsIn(r, "group_request")) > 0 && refused.CompareAndSwap(false, true) {
				return fakepeer.ServerError(r)
			}
			return 200, fakepeer.OKResults(len(r.Items)), false
		})
		id := w.Act(ctx, alice, g, probe.Join())
		var sent []sentItem
		Eventually(ctx, func() int {
			sent = itemsOf(peer, "group_request", "id", id)
			return len(sent)
		}).WithTimeout(scale(2*eventTimeout)).Should(BeNumerically(">=", 2), "the refused transaction is retried")
		for _, it := range sent {
			Expect(it.Item).To(Equal(map[string]any{"kind": "group_request", "id": id, "group": g.String(), "actor": alice.Addr.String(), "op": "join"}))
			Expect(it.Txn).To(Equal(sent[0].Txn), "a retry sends the same transaction")
		}
		By("every operation is forwarded with its own request id")
		bob, err := address.ParseCanonical("bob#" + peer.Domain)
		Expect(err).NotTo(HaveOccurred())
		for _, op := range []probe.GroupOp{probe.Invite(bob), probe.Kick(bob), probe.SetRole(bob, "admin"), probe.Rename("x"), probe.Leave(), probe.Dissolve()} {
			id := w.Act(ctx, alice, g, op)
			Eventually(ctx, func() []sentItem { return itemsOf(peer, "group_request", "id", id) }).ShouldNot(BeEmpty(), "the %s is forwarded", op.Name)
			Expect(itemsOf(peer, "group_request", "id", id)[0].Item["op"]).To(Equal(op.Name))
		}
	})

	Conformance(Groups, "tells the actor of a remote host's refusal with group_refused carrying the request id and the host's code", Reqs("GROUP-REFUSED-02", "FED-QUEUE-08"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		g := peerGroup(peer)
		alice := w.Register(ctx, w.A(), "alice")
		as := w.Stream(ctx, alice, -1)
		for _, code := range []string{"forbidden", "gone"} {
			By("the host answers the item with " + code)
			peer.SetResponder(refuseKind("group_request", code))
			id := w.Act(ctx, alice, g, probe.Join())
			ExpectRefused(ctx, as, g, id, "join", code)
		}
		By("the host refuses the whole transaction with 403, an error for each of its items")
		peer.SetResponder(func(fakepeer.Received) (int, []byte, bool) {
			return 403, []byte(`{"error":"forbidden","message":"scripted refusal"}`), false
		})
		id := w.Act(ctx, alice, g, probe.Leave())
		ExpectRefused(ctx, as, g, id, "leave", "forbidden")
		Consistently(ctx, func() int { return len(itemsOf(peer, "group_request", "id", id)) }).WithTimeout(scale(quietPeriod)).Should(Equal(1), "the refused transaction is not sent again")
	})

	Conformance(Groups, "answers group_request items it refuses with the code a local actor gets", Reqs("GROUP-REFUSED-01", "GROUP-JOIN-01", "GROUP-AUTHZ-01", "GROUP-UNKNOWN-01", "GROUP-DISSOLVE-01", "FED-TXN-05"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		g := w.NewGroup(ctx, alice, "Remote requests")
		gone := w.NewGroup(ctx, alice, "Gone")
		w.Act(ctx, alice, gone, probe.Dissolve())
		mallory := peerAccount(w, peer, "mallory")
		nowhere, err := address.ParseCanonical(probe.FreshLocal("nowhere") + "#" + w.A())
		Expect(err).NotTo(HaveOccurred())
		res := peerSend(ctx, w, peer, w.A(),
			groupRequest(g, mallory.Addr, "join", nil),
			groupRequest(nowhere, mallory.Addr, "join", nil),
			groupRequest(g, mallory.Addr, "invite", map[string]any{"target": mallory.Addr}),
			groupRequest(g, mallory.Addr, "rename", map[string]any{"name": "taken over"}),
			groupRequest(gone, mallory.Addr, "join", nil),
			groupRequest(g, mallory.Addr, "leave", nil),
		)
		for i, want := range []string{"forbidden", "not_found", "forbidden", "forbidden", "gone", "not_found"} {
			Expect(res[i]).To(Equal(fakepeer.ItemResult{Index: i, Status: "error", Error: want}), "item %d", i)
		}
		By("an invited remote account joins")
		as := w.Stream(ctx, alice, -1)
		w.Act(ctx, alice, g, probe.Invite(mallory.Addr))
		NextGroupEvent(ctx, as, g, "invited")
		join := groupRequest(g, mallory.Addr, "join", nil)
		res = peerSend(ctx, w, peer, w.A(), join)
		Expect(res[0].Status).To(Equal("ok"))
		Expect(NextGroupEvent(ctx, as, g, "joined").Actor).To(Equal(mallory.Addr.String()))
		Expect(w.ReadGroup(ctx, alice, g).Role(mallory.Addr)).To(Equal("member"))
		By("the same request again is a duplicate")
		Expect(peerSend(ctx, w, peer, w.A(), join)[0].Status).To(Equal("duplicate"))
		NoGroupEvent(ctx, as, g)
	})
})
