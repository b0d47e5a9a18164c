package suites

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
)

var _ = Describe("Two servers", func() {
	Conformance(Federation, "carry a contact request, its acceptance, a message and its delivered receipt between domains", Reqs("FED-DELIVERED-01", "CONTACT-REQ-01", "CONTACT-ACCEPT-01", "DELIV-LOCAL-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.B(), "bob")
		as, bs := w.Stream(ctx, alice, -1), w.Stream(ctx, bob, -1)
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/contacts/requests", map[string]any{"to": bob.Addr, "bundle": alice.Bundle()}), 202)
		NextEvent(ctx, bs, "contact_request")
		ExpectStatus(w.Call(ctx, bob, "POST", "/emsg/v1/contacts/requests/"+probe.PathOf(alice.Addr)+"/accept", map[string]any{"bundle": bob.Bundle()}), 200)
		NextEvent(ctx, as, "contact_accepted")
		id, r := w.Send(ctx, alice, bob.Bundle(), "across domains")
		ExpectStatus(r, 202)
		f := NextEvent(ctx, bs, "envelope")
		Expect(string(f.Event)).To(ContainSubstring(id))
		rc := NextEvent(ctx, as, "receipt")
		Expect(string(rc.Event)).To(And(ContainSubstring(`"delivered"`), ContainSubstring(id)))
	})

	Conformance(Federation, "answers unavailable for the keys of a domain it cannot reach", Reqs("KEY-FETCH-04"), func(ctx SpecContext, w *World) {
		alice := w.Register(ctx, w.A(), "alice")
		w.MustControl(w.Control().CutOff(ctx, w.C()))
		DeferCleanup(func(ctx context.Context) error { return w.Control().Restore(ctx, w.C()) })
		w.P.SetTimeout(scale(requestTimeout) + w.federationTimeout())
		ExpectError(w.Call(ctx, alice, "GET", "/emsg/v1/keys/someone%23"+w.C(), nil), "unavailable")
	}, Serial)
})

var _ = Describe("Stream acknowledgements", func() {
	Conformance(Core, "acknowledges nothing it has not sent when an ack runs ahead", Reqs("STREAM-ACK-02"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		bs := w.Stream(ctx, bob, -1)
		NextFrame(ctx, bs, "ready")
		NextEvent(ctx, bs, "contact_request")
		Expect(bs.Ack(1000)).To(Succeed())
		Expect(bs.Send(map[string]any{"type": "ping"})).To(Succeed())
		if f := NextFrame(ctx, bs, "", "error", "pong"); f.Type == "error" {
			Expect(f.Error).To(Equal("bad_request"), "a refused ack is a bad_request")
			NextFrame(ctx, bs, "pong")
		}
		id, r := w.Send(ctx, alice, bob.Bundle(), "after the runaway ack")
		ExpectStatus(r, 202)
		f := NextEvent(ctx, bs, "envelope")
		Expect(string(f.Event)).To(ContainSubstring(id), "the new event still arrives")
	})
})
