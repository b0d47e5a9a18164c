package suites

import (
	"github.com/oklog/ulid/v2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
)

var _ = Describe("Favorites", func() {
	Conformance(Retention, "pins, lists and unpins a favorite, and answers not_found for an unknown one", Reqs("FAV-DELETE-01"), func(ctx SpecContext, w *World) {
		alice := w.Register(ctx, w.A(), "alice")
		Expect(favoriteIDs(ctx, w, alice)).To(BeEmpty())
		fav, err := alice.SelfEnvelope("keep this", 0)
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(putFavorite(ctx, w, alice, fav.ID, fav), 204)
		ExpectStatus(putFavorite(ctx, w, alice, fav.ID, fav), 204) // the same id again replaces it
		Expect(favoriteIDs(ctx, w, alice)).To(Equal([]string{fav.ID}))
		ExpectError(w.Call(ctx, alice, "DELETE", "/emsg/v1/favorites/"+ulid.Make().String(), nil), "not_found")
		ExpectStatus(w.Call(ctx, alice, "DELETE", "/emsg/v1/favorites/"+fav.ID, nil), 204)
		Expect(favoriteIDs(ctx, w, alice)).To(BeEmpty())
		ExpectError(w.Call(ctx, alice, "DELETE", "/emsg/v1/favorites/"+fav.ID, nil), "not_found")
	})

	Conformance(Retention, "refuses a favorite not from and to the caller, with another id than the path or keyed to someone else, and stores none", Reqs("FAV-PUT-01", "FAV-PUT-02"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		By("an envelope to bob")
		toBob := sealTTL(w, alice, bob.Bundle(), "not to self", 0)
		ExpectError(putFavorite(ctx, w, alice, toBob.ID, toBob), "forbidden")
		By("bob's envelope to himself")
		bobs, err := bob.SelfEnvelope("bob's own", 0)
		Expect(err).NotTo(HaveOccurred())
		ExpectError(putFavorite(ctx, w, alice, bobs.ID, bobs), "forbidden")
		By("an id that differs from the path")
		fav, err := alice.SelfEnvelope("mine", 0)
		Expect(err).NotTo(HaveOccurred())
		ExpectError(putFavorite(ctx, w, alice, ulid.Make().String(), fav), "bad_request")
		By("keys with an entry for bob too")
		shared, _, err := envelope.Seal(w.P.Deps, alice.ID, alice.Addr, map[address.Address]*[32]byte{
			alice.Addr: alice.ID.BoxPublic(), bob.Addr: bob.ID.BoxPublic()}, envelope.TextBody("shared"), envelope.Options{})
		Expect(err).NotTo(HaveOccurred())
		ExpectError(putFavorite(ctx, w, alice, shared.ID, shared), "bad_request")
		Expect(favoriteIDs(ctx, w, alice)).To(BeEmpty(), "no refused favorite is stored")
	})

	Conformance(Retention, "keeps a favorite after its ttl has run out", Reqs("FAV-KEEP-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		as := w.Stream(ctx, alice, -1)
		fav, err := alice.SelfEnvelope("forever", minTTL)
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(putFavorite(ctx, w, alice, fav.ID, fav), 204)
		By("an envelope sent after the favorite, with the same ttl, expires: the server has swept past the favorite's expiry")
		probeEnv := sealTTL(w, alice, bob.Bundle(), "a clock", minTTL)
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/messages", probeEnv), 202)
		ExpiredReceipt(ctx, as, probeEnv.ID)
		Expect(favoriteIDs(ctx, w, alice)).To(ContainElement(fav.ID), "the favorite %s outlives its ttl", fav.ID)
	}, Slow)
})
