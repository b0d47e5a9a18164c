package suites

import (
	"bytes"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
)

var _ = Describe("Expiry", func() {
	Conformance(Retention, "refuses an envelope or a default ttl below 1 or above max_ttl with bad_request and changes nothing", Reqs("TTL-RANGE-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		maxTTL := w.MaxTTL(ctx, w.A())
		before := w.Call(ctx, alice, "GET", "/emsg/v1/settings", nil)
		ExpectStatus(before, 200)
		By("an envelope with ttl max_ttl + 1")
		over := sealTTL(w, alice, bob.Bundle(), "too long", maxTTL+1)
		ExpectError(w.Call(ctx, alice, "POST", "/emsg/v1/messages", over), "bad_request")
		By("an envelope with ttl 0")
		zero := mustObject(sealTTL(w, alice, bob.Bundle(), "too short", minTTL))
		zero["ttl"] = 0
		r, err := alice.Raw(ctx, "POST", "/emsg/v1/messages", "application/json", mustJSON(zero))
		Expect(err).NotTo(HaveOccurred())
		ExpectError(r, "bad_request")
		By("a default ttl of 0 and of max_ttl + 1")
		r, err = alice.Raw(ctx, "PATCH", "/emsg/v1/settings", "application/json", []byte(`{"ttl":0}`))
		Expect(err).NotTo(HaveOccurred())
		ExpectError(r, "bad_request")
		ExpectError(w.Call(ctx, alice, "PATCH", "/emsg/v1/settings", map[string]any{"ttl": maxTTL + 1}), "bad_request")
		after := w.Call(ctx, alice, "GET", "/emsg/v1/settings", nil)
		Expect(after.Body).To(MatchJSON(before.Body), "the refused patches change no setting")
		By("the bounds themselves are accepted")
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/messages", sealTTL(w, alice, bob.Bundle(), "longest", maxTTL)), 202)
		ExpectStatus(w.Call(ctx, alice, "PATCH", "/emsg/v1/settings", map[string]any{"ttl": minTTL}), 200)
	})

	Conformance(Retention, "refuses an envelope a client submits after its expiry with bad_request", Reqs("TTL-ARRIVAL-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		bs := w.Stream(ctx, bob, -1)
		NextFrame(ctx, bs, "ready")
		stale := sealAgo(w, alice, bob.Bundle(), "already expired", minTTL, 3*time.Second)
		ExpectError(w.Call(ctx, alice, "POST", "/emsg/v1/messages", stale), "bad_request")
		NoEnvelope(ctx, bs, stale.ID)
	})

	Conformance(Retention, "drops an envelope that expires undelivered: an expired receipt to the sender, an expired event and no envelope to the recipient", Reqs("RCPT-EXPIRED-01", "TTL-EVENT-01", "TTL-DELETE-01", "TTL-DELIVER-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		as := w.Stream(ctx, alice, -1)
		env := sealTTL(w, alice, bob.Bundle(), "gone in a second", minTTL)
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/messages", env), 202)
		rc := ExpiredReceipt(ctx, as, env.ID)
		Expect(rc.Receipt.From).To(Equal(bob.Addr.String()), "the expired receipt comes from the recipient")
		Expect(time.Now()).To(BeTemporally("<", expiryOf(env).Add(60*time.Second)), "dropped within 60 s of its expiry")
		By("bob connects after the expiry")
		bs := w.Stream(ctx, bob, -1)
		ev := ExpiredEventFor(ctx, bs, env.ID)
		Expect(ev.From).To(Equal(alice.Addr.String()))
		NoEnvelope(ctx, bs, env.ID)
	}, Slow)

	Conformance(Retention, "tells a connected recipient that an unacknowledged envelope expired and never replays it", Reqs("TTL-EVENT-01", "TTL-DELIVER-01", "RCPT-EXPIRED-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		as, bs := w.Stream(ctx, alice, -1), w.Stream(ctx, bob, -1)
		env := sealTTL(w, alice, bob.Bundle(), "read me quickly", minTTL)
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/messages", env), 202)
		f := NextEvent(ctx, bs, "envelope")
		Expect(envelopeID(f)).To(Equal(env.ID))
		By("bob does not acknowledge it; the ttl runs out")
		ev := ExpiredEventFor(ctx, bs, env.ID)
		Expect(ev.From).To(Equal(alice.Addr.String()))
		ExpiredReceipt(ctx, as, env.ID)
		By("a new stream replays the unacknowledged events")
		Expect(bs.Close()).To(Succeed())
		again := w.Stream(ctx, bob, -1)
		ExpiredEventFor(ctx, again, env.ID)
		NoEnvelope(ctx, again, env.ID)
	}, Slow)

	Conformance(Retention, "does not deliver an envelope once its expiry instant has passed, even before removing it", Reqs("TTL-DELIVER-01"), func(ctx SpecContext, w *World) {
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.A(), "bob")
		w.Befriend(ctx, alice, bob)
		By("an envelope that expires a moment after it is accepted")
		env := sealAgo(w, alice, bob.Bundle(), "just in time", minTTL, 700*time.Millisecond)
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/messages", env), 202)
		untilPast(ctx, expiryOf(env))
		By("bob connects right after the expiry instant, before any sweep need have run")
		bs := w.Stream(ctx, bob, -1)
		NextFrame(ctx, bs, "ready")
		NoEnvelope(ctx, bs, env.ID)
	})

	Conformance(Retention, "does not deliver an expired envelope that arrives over federation", Reqs("TTL-DELIVER-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		bob := w.Register(ctx, w.A(), "bob")
		strangerOK(ctx, w, bob)
		bs := w.Stream(ctx, bob, -1)
		NextFrame(ctx, bs, "ready")
		sender, _ := peerEnvelope(w, peer, bob.Bundle())
		stale := sealAgo(w, sender, bob.Bundle(), "expired on the way", minTTL, 3*time.Second)
		txn, err := peer.Transaction(w.A(), envelopeItem(stale))
		Expect(err).NotTo(HaveOccurred())
		r, err := peer.Send(ctx, w.P, txn, fakepeer.SendOptions{})
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 200)
		NoEnvelope(ctx, bs, stale.ID)
	})
})

var _ = Describe("Expiry in the federation queue", func() {
	Conformance(Retention, "stops relaying a queued envelope at its expiry instant", Reqs("TTL-DELIVER-01", "TTL-DELETE-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		alice := w.Register(ctx, w.A(), "alice")
		as := w.Stream(ctx, alice, -1)
		_, mallory := w.peerAccount(peer)
		env := sealTTL(w, alice, mallory, "never relayed late", minTTL)
		var mu sync.Mutex
		var attempts []time.Time
		peer.SetResponder(func(r fakepeer.Received) (int, []byte, bool) {
			if bytes.Contains(r.Body, []byte(env.ID)) {
				mu.Lock()
				attempts = append(attempts, time.Now())
				mu.Unlock()
				return 503, []byte(`{"error":"unavailable","message":"scripted outage"}`), false
			}
			return 200, fakepeer.OKResults(len(r.Items)), false
		})
		ExpectStatus(w.Call(ctx, alice, "POST", "/emsg/v1/messages", env), 202)
		ExpiredReceipt(ctx, as, env.ID)
		Consistently(ctx, func() int { mu.Lock(); defer mu.Unlock(); return len(attempts) }).WithTimeout(scale(quietPeriod)).
			Should(Equal(len(attempts)), "no attempt after the expired receipt")
		mu.Lock()
		defer mu.Unlock()
		Expect(attempts).NotTo(BeEmpty(), "the server tried to relay the envelope before its expiry")
		last := attempts[len(attempts)-1]
		Expect(last).To(BeTemporally("<=", expiryOf(env).Add(relaySlack)), "the last attempt came %v after the expiry instant", last.Sub(expiryOf(env)))
	}, Slow)
})

// relaySlack is how late an attempt may reach the fake peer and still
// have been sent before the expiry instant (the trip over loopback).
const relaySlack = 100 * time.Millisecond
