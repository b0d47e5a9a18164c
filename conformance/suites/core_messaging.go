package suites

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
)

var _ = Describe("1:1 messaging", func() {
	Conformance(Core, "pushes an accepted envelope to a local contact exactly as accepted, and a delivered receipt to its sender", Reqs("DELIV-LOCAL-01", "ENV-INTACT-01", "RCPT-DELIVERED-01", "STREAM-SEQ-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		as, bs := w.Stream(ctx, alice, -1), w.Stream(ctx, bob, -1)
		NextFrame(ctx, as, "ready")
		NextFrame(ctx, bs, "ready")
		env, err := alice.Seal(bob.Bundle(), "hello bob")
		Expect(err).NotTo(HaveOccurred())
		sent, _ := json.Marshal(env)
		r := w.Call(ctx, alice, "POST", "/emsg/v1/messages", env)
		ExpectStatus(r, 202)
		Expect(r.Body).To(MatchJSON(`{"id":"` + env.ID + `"}`))
		f := NextEvent(ctx, bs, "envelope")
		var ev struct {
			Envelope json.RawMessage `json:"envelope"`
		}
		Expect(f.EventInto(&ev)).To(Succeed())
		Expect(ev.Envelope).To(MatchJSON(sent), "the envelope as accepted")
		Expect(f.Seq).To(BeNumerically(">=", 1))
		rc := NextEvent(ctx, as, "receipt")
		var rcpt struct {
			Receipt struct{ Kind, ID string } `json:"receipt"`
		}
		Expect(rc.EventInto(&rcpt)).To(Succeed())
		Expect(rcpt.Receipt.Kind).To(Equal("delivered"))
		Expect(rcpt.Receipt.ID).To(Equal(env.ID))
	})

	Conformance(Core, "answers a resubmitted envelope with 202 and delivers it once", Reqs("ENV-IDEM-01", "ERR-RETRY-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		bs := w.Stream(ctx, bob, -1)
		env, err := alice.Seal(bob.Bundle(), "once")
		Expect(err).NotTo(HaveOccurred())
		for range 2 {
			r := w.Call(ctx, alice, "POST", "/emsg/v1/messages", env)
			ExpectStatus(r, 202)
			Expect(r.Body).To(MatchJSON(`{"id":"` + env.ID + `"}`))
		}
		NextEvent(ctx, bs, "envelope")
		NoEvent(ctx, bs, "envelope")
	})

	Conformance(Core, "refuses envelopes to unknown local addresses, from strangers and from blocked senders", Reqs("DELIV-NOTFOUND-01", "DELIV-STRANGER-01", "DELIV-BLOCKED-01", "CONTACT-BLOCK-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		By("a stranger, while accept_strangers is off")
		_, r := w.Send(ctx, alice, bob.Bundle(), "hi stranger")
		ExpectError(r, "not_a_contact")
		By("an address without an account")
		ghost, err := w.P.NewIdentity(probe.FreshLocal("ghost"), w.A())
		Expect(err).NotTo(HaveOccurred())
		_, r = w.Send(ctx, alice, ghost.Bundle(), "anyone?")
		ExpectError(r, "not_found")
		By("a blocked contact, who is not told")
		w.Befriend(ctx, alice, bob)
		as := w.Stream(ctx, alice, -1)
		ExpectStatus(w.Call(ctx, bob, "PUT", "/emsg/v1/contacts/"+probe.PathOf(alice.Addr)+"/block", nil), 204)
		_, r = w.Send(ctx, alice, bob.Bundle(), "blocked?")
		ExpectError(r, "blocked")
		NoEvent(ctx, as, "contact_removed")
	})

	Conformance(Core, "keeps unacknowledged events across streams and replays them with their seq until acknowledged", Reqs("STREAM-READY-01", "STREAM-REPLAY-01", "STREAM-ACK-01", "STREAM-KEEP-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		id1, r := w.Send(ctx, alice, bob.Bundle(), "one")
		ExpectStatus(r, 202)
		_, r = w.Send(ctx, alice, bob.Bundle(), "two")
		ExpectStatus(r, 202)
		s1 := w.Stream(ctx, bob, -1)
		Expect(NextFrame(ctx, s1, "ready").ResumeFrom).To(BeEquivalentTo(0))
		first := NextEvent(ctx, s1, "envelope")
		second := NextEvent(ctx, s1, "envelope")
		Expect(second.Seq).To(BeNumerically(">", first.Seq))
		Expect(s1.Ack(first.Seq)).To(Succeed())
		Expect(s1.Send(map[string]any{"type": "ping"})).To(Succeed())
		NextFrame(ctx, s1, "pong") // the server has read the ack
		Expect(s1.Close()).To(Succeed())
		s2 := w.Stream(ctx, bob, -1)
		Expect(NextFrame(ctx, s2, "ready").ResumeFrom).To(Equal(first.Seq))
		again := NextEvent(ctx, s2, "envelope")
		Expect(again.Seq).To(Equal(second.Seq), "the unacknowledged event, with its original seq")
		var ev struct {
			Envelope struct{ ID string } `json:"envelope"`
		}
		Expect(again.EventInto(&ev)).To(Succeed())
		Expect(ev.Envelope.ID).NotTo(Equal(id1), "the acknowledged event is not sent again")
	})

	Conformance(Core, "answers ping with pong, a bad frame with an error frame, and a send frame with a result", Reqs("STREAM-PING-01", "STREAM-FRAME-01", "STREAM-SEND-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		s := w.Stream(ctx, alice, -1)
		NextFrame(ctx, s, "ready")
		Expect(s.Send(map[string]any{"type": "ping"})).To(Succeed())
		NextFrame(ctx, s, "pong")
		Expect(s.SendRaw([]byte(`{"type":"dance"}`))).To(Succeed())
		Expect(NextFrame(ctx, s, "error").Error).To(Equal("bad_request"))
		env, err := alice.Seal(bob.Bundle(), "by frame")
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Send(map[string]any{"type": "send", "ref": "r1", "envelope": env})).To(Succeed())
		res := NextFrame(ctx, s, "result")
		Expect(res.Ref).To(Equal("r1"))
		Expect(res.Status).To(Equal(202))
		Expect(res.ID).To(Equal(env.ID))
	})

	Conformance(Core, "refuses the stream without a valid token with 401", Reqs("STREAM-AUTH-01"), func(ctx SpecContext, w *World) {
		_, refused, err := w.P.OpenStream(ctx, w.A(), nil, -1)
		Expect(err).NotTo(HaveOccurred())
		Expect(refused).NotTo(BeNil(), "the upgrade is refused")
		ExpectStatus(refused, 401)
		ExpectError(refused, "unauthorized")
	})

	Conformance(Core, "refuses a read receipt for an envelope the caller never received", Reqs("RCPT-READ-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		env, err := alice.Seal(bob.Bundle(), "never sent")
		Expect(err).NotTo(HaveOccurred())
		r := w.Call(ctx, bob, "POST", "/emsg/v1/receipts", map[string]any{"kind": "read", "to": alice.Addr, "ids": []string{env.ID}})
		ExpectError(r, "not_found")
	})
})
