package suites

import (
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
	"github.com/emsg-project/emsg/spec"
)

// specFeatures are the feature names EMSG/1 itself defines (discovery.json).
var specFeatures = []string{"core", "federation", "groups", "sessions", "retention", "migration", "signals", "admin"}

var _ = Describe("Versions and extensions", func() {
	Conformance(Core, "refuses an export of another version with unsupported_version and restores nothing", Reqs("VER-UNKNOWN-01"), func(ctx SpecContext, w *World) {
		for _, d := range []string{w.A(), w.B()} {
			if !w.Features(ctx, d)["migration"] {
				Skip(d + " does not advertise migration: an export is the versioned object a client sends besides envelopes")
			}
		}
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		d, r, err := alice.Data(ctx)
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 200)
		x, err := alice.Export(d)
		Expect(err).NotTo(HaveOccurred())
		moved, err := w.P.RegisterMoved(ctx, alice, w.B(), "alice")
		Expect(err).NotTo(HaveOccurred())

		By("the export as version 2, validly signed")
		v2 := bundleEditor{m: mustObject(x), key: alice.ID.SignKey()}
		v2.m["v"] = 2
		v2.resign()
		bad, err := moved.Raw(ctx, "POST", "/emsg/v1/account/import", "application/json", mustJSON(v2.m))
		Expect(err).NotTo(HaveOccurred())
		ExpectError(bad, "unsupported_version")
		Expect(w.Contacts(ctx, moved)).To(BeEmpty(), "the refused import restores nothing")
		By("the same export as version 1 is imported")
		ExpectStatus(w.Call(ctx, moved, "POST", "/emsg/v1/account/import", x), 200)
		Expect(w.Contacts(ctx, moved)).To(HaveKey(bob.Addr.String()))
	})

	Conformance(Core, "names every feature it advertises that EMSG/1 does not define vnd.<domain>.<name>", Reqs("VND-NAME-01"), func(ctx SpecContext, w *World) {
		for _, d := range env.Deployment.Domains() {
			for f := range w.Features(ctx, d) {
				if slices.Contains(specFeatures, f) {
					continue
				}
				Expect(spec.ValidateJSONDef("defs", "vendor_name", mustJSON(f))).To(Succeed(),
					"%s advertises %q, neither a feature of EMSG/1 nor vnd.<domain>.<name>", d, f)
				Expect(strings.HasPrefix(f, "vnd.")).To(BeTrue())
			}
		}
	})

	Conformance(Core, "federates with a peer whose discovery document lists a feature it does not know", Reqs("VND-IGNORE-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		Expect(w.Features(ctx, peer.Domain)).To(HaveKey(fakepeer.VendorFeature), "the peer advertises %s", fakepeer.VendorFeature)
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		strangerOK(ctx, w, bob)
		bs := w.Stream(ctx, bob, -1)

		By("a transaction from the peer is verified with the key its document lists")
		_, env := peerEnvelope(w, peer, bob.Bundle())
		txn, err := peer.Transaction(w.A(), envelopeItem(env))
		Expect(err).NotTo(HaveOccurred())
		r, err := peer.Send(ctx, w.P, txn, fakepeer.SendOptions{})
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 200)
		res, err := fakepeer.Results(r)
		Expect(err).NotTo(HaveOccurred())
		Expect(res).To(Equal([]fakepeer.ItemResult{{Index: 0, Status: "ok"}}))
		NextEvent(ctx, bs, "envelope")

		By("an envelope to the peer is delivered within the limits its document lists")
		_, mallory := w.peerAccount(peer)
		id, sent := w.Send(ctx, alice, mallory, "hello, vendor")
		ExpectStatus(sent, 202)
		Eventually(ctx, func() []fakepeer.Received { return deliveredWith(peer, id) }).WithTimeout(scale(deliveryTimeout)).ShouldNot(BeEmpty())
	})
})
