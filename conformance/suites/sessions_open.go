package suites

import (
	"crypto/ed25519"
	"encoding/json"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/oklog/ulid/v2"

	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// tenMinutes is well beyond the ±300000 ms a proof's ts may be off.
const tenMinutes = 10 * time.Minute

// refusal is one session_open frame broken on purpose and the code the
// host must answer it with.
type refusal struct {
	name   string
	ticket json.RawMessage
	auth   json.RawMessage
	code   string
}

// expectRefusals presents each broken frame on a fresh socket of the
// session and checks the code.
func (w *World) expectRefusals(ctx SpecContext, s *session, cases []refusal) {
	GinkgoHelper()
	for _, c := range cases {
		By(c.name + ": " + c.code)
		ExpectSessionRefused(ctx, w.present(ctx, s, c.ticket, c.auth), c.code)
	}
}

// otherKey is an Ed25519 key nobody published.
func otherKey() ed25519.PrivateKey {
	GinkgoHelper()
	_, k, err := ed25519.GenerateKey(nil)
	Expect(err).NotTo(HaveOccurred())
	return k
}

var _ = Describe("Session socket", func() {
	Conformance(Sessions, "answers the upgrade for a session it does not have with not_found", Reqs("SESS-OPEN-01"), func(ctx SpecContext, w *World) {
		w.needSessions(ctx, w.A())
		sock, refused, err := w.P.OpenSession(ctx, w.A(), ulid.Make().String())
		Expect(err).NotTo(HaveOccurred())
		if sock != nil {
			DeferCleanup(sock.Close)
		}
		Expect(refused).NotTo(BeNil(), "the upgrade of an unknown session is refused")
		ExpectError(refused, "not_found")
	})

	Conformance(Sessions, "refuses a first frame that is not a valid session_open frame with bad_request and closes", Reqs("SESS-AUTH-01"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		good := w.goodProof(s)
		short := editTicket(s.t.Raw, map[string]any{"sig": wire.EncodeBytes(make([]byte, 63))}, nil)
		for _, tc := range []struct {
			name  string
			frame []byte
		}{
			{"not JSON", []byte(`session_open please`)},
			{"a ping frame", []byte(`{"type":"ping"}`)},
			{"a session_open frame without auth", mustJSON(map[string]any{"type": "session_open", "ticket": s.t.Raw})},
			{"a ticket whose sig is 63 bytes", mustJSON(map[string]any{"type": "session_open", "ticket": short, "auth": good})},
			{"an extra member", mustJSON(map[string]any{"type": "session_open", "ticket": s.t.Raw, "auth": good, "x": 1})},
		} {
			By(tc.name)
			sock := w.OpenSession(ctx, s.host(), s.t.ID)
			Expect(sock.SendRaw(tc.frame)).To(Succeed())
			ExpectSessionRefused(ctx, sock, "bad_request")
		}
	})

	Conformance(Sessions, "refuses a ticket issued by another server and a proof made for another host with forbidden", Reqs("SESS-AUTH-08"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		w.expectRefusals(ctx, s, []refusal{
			{"a ticket whose host is another domain", editTicket(s.t.Raw, map[string]any{"host": w.C()}, nil), w.goodProof(s), "forbidden"},
			{"a proof for another host", s.t.Raw, w.proof(s.bob.ID, s, probe.ProofOptions{Host: w.C()}), "forbidden"},
		})
	})

	Conformance(Sessions, "refuses an expired ticket and a ticket naming a key it does not have with unauthorized", Reqs("SESS-AUTH-03"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		hostile := hostileKey(w)
		past := nowMillis() - 1000
		w.expectRefusals(ctx, s, []refusal{
			{"a ticket that expired a second ago", editTicket(s.t.Raw, map[string]any{"expires": past}, nil), w.goodProof(s), "unauthorized"},
			{"a ticket naming a key the host does not have", editTicket(s.t.Raw, map[string]any{"key": "ed25519:nope"}, nil), w.goodProof(s), "unauthorized"},
			{"a ticket a hostile server signed with its own key, under that key's id", editTicket(s.t.Raw, map[string]any{"key": hostile.ID}, hostile.Private), w.goodProof(s), "unauthorized"},
		})
	})

	Conformance(Sessions, "refuses a ticket whose signature does not verify with the host key it names with bad_signature", Reqs("SESS-AUTH-02"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		hostile := hostileKey(w)
		later := s.t.Expires - 1000
		w.expectRefusals(ctx, s, []refusal{
			{"a ticket whose expires changed after signing", editTicket(s.t.Raw, map[string]any{"expires": later}, nil), w.goodProof(s), "bad_signature"},
			{"a ticket a hostile server forged with its own key under the host's key id", editTicket(s.t.Raw, map[string]any{"expires": later}, hostile.Private), w.goodProof(s), "bad_signature"},
		})
	})

	Conformance(Sessions, "refuses a proof about another ticket or by another peer with bad_request", Reqs("SESS-AUTH-04"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		carol := w.Register(ctx, w.B(), "carol")
		w.expectRefusals(ctx, s, []refusal{
			{"a proof naming another ticket", s.t.Raw, w.proof(s.bob.ID, s, probe.ProofOptions{TicketID: ulid.Make().String()}), "bad_request"},
			{"a proof by someone other than the ticket's peer", s.t.Raw, w.proof(carol.ID, s, probe.ProofOptions{}), "bad_request"},
		})
	})

	Conformance(Sessions, "refuses a proof whose ts is more than 300000 ms from its clock with unauthorized", Reqs("SESS-AUTH-05"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		w.expectRefusals(ctx, s, []refusal{
			{"a proof made ten minutes ago", s.t.Raw, w.proof(s.bob.ID, s, probe.ProofOptions{Skew: -tenMinutes}), "unauthorized"},
			{"a proof made ten minutes ahead", s.t.Raw, w.proof(s.bob.ID, s, probe.ProofOptions{Skew: tenMinutes}), "unauthorized"},
		})
	})

	Conformance(Sessions, "refuses a proof that does not verify with the peer's published key with bad_signature", Reqs("SESS-AUTH-07"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		carol := w.Register(ctx, w.B(), "carol")
		w.expectRefusals(ctx, s, []refusal{
			{"a proof signed with a key nobody published", s.t.Raw, w.proof(s.bob.ID, s, probe.ProofOptions{SignWith: otherKey()}), "bad_signature"},
			{"a proof for the peer signed with another account's key", s.t.Raw, w.proof(s.bob.ID, s, probe.ProofOptions{SignWith: carol.ID.SignKey()}), "bad_signature"},
		})
	})

	Conformance(Sessions, "checks the proof against the bundle the peer's server publishes, whether or not the peer is the initiator's contact", Reqs("SESS-AUTH-07"), func(ctx SpecContext, w *World) {
		w.needSessions(ctx, w.A(), w.B())
		alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.B(), "bob")
		strangerOK(ctx, w, bob)
		s := w.startSessionOf(ctx, alice, bob)
		w.join(ctx, s)
	})

	Conformance(Sessions, "opens with a good ticket and proof, then refuses that proof's nonce again with replayed", Reqs("SESS-AUTH-06", "SESS-AUTH-09"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		proof := w.goodProof(s)
		first := w.present(ctx, s, s.t.Raw, proof)
		NextFrame(ctx, first, "ready")
		Expect(first.CloseWith(1001)).To(Succeed(), "going away, which does not end the session")
		Eventually(ctx, first.Done()).Should(BeClosed())
		ExpectSessionRefused(ctx, w.present(ctx, s, s.t.Raw, proof), "replayed")
		By("a fresh proof still opens the session")
		w.join(ctx, s)
	})

	Conformance(Sessions, "refuses the ticket of another live session than the socket's with bad_request, after the proof's signature", Reqs("SESS-AUTH-10", "SESS-AUTH-09"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		dave := w.Register(ctx, w.A(), "dave")
		w.befriendBoth(ctx, dave, s.bob)
		other := w.startSessionOf(ctx, dave, s.bob)
		ExpectSessionRefused(ctx, w.presentAt(ctx, s, other.t.ID, s.t.Raw, w.goodProof(s)), "bad_request")
		ExpectSessionRefused(ctx, w.presentAt(ctx, s, other.t.ID, s.t.Raw, w.proof(s.bob.ID, s, probe.ProofOptions{SignWith: otherKey()})), "bad_signature")
	})

	Conformance(Sessions, "refuses, with unauthorized, the ticket of a session that ended after the upgrade", Reqs("SESS-AUTH-03", "SESS-END-01"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		sock := w.OpenSession(ctx, s.host(), s.t.ID)
		ExpectStatus(w.endSession(ctx, s.alice, s.t.ID), 204)
		Expect(sock.SendOpen(s.t.Raw, w.goodProof(s))).To(Succeed())
		ExpectSessionRefused(ctx, sock, "unauthorized")
	})

	Conformance(Sessions, "answers only the first failure of a first frame, in the order of section 5", Reqs("SESS-AUTH-09"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		past := nowMillis() - 1000
		stale := w.proof(s.bob.ID, s, probe.ProofOptions{Skew: -tenMinutes, SignWith: otherKey()})
		w.expectRefusals(ctx, s, []refusal{
			{"schema (an extra member) before ticket host", editTicket(s.t.Raw, map[string]any{"host": w.C(), "x": 1}, nil), w.goodProof(s), "bad_request"},
			{"ticket host before expiry", editTicket(s.t.Raw, map[string]any{"host": w.C(), "expires": past}, nil), w.goodProof(s), "forbidden"},
			{"expiry before key", editTicket(s.t.Raw, map[string]any{"expires": past, "key": "ed25519:nope"}, nil), w.goodProof(s), "unauthorized"},
			{"expiry before signature", editTicket(s.t.Raw, map[string]any{"expires": past}, nil), w.goodProof(s), "unauthorized"},
			{"ticket signature before the proof's ticket", editTicket(s.t.Raw, map[string]any{"expires": s.t.Expires - 1}, nil),
				w.proof(s.bob.ID, s, probe.ProofOptions{TicketID: ulid.Make().String()}), "bad_signature"},
			{"the proof's ticket before its host", s.t.Raw, w.proof(s.bob.ID, s, probe.ProofOptions{TicketID: ulid.Make().String(), Host: w.C()}), "bad_request"},
			{"the proof's host before its ts", s.t.Raw, w.proof(s.bob.ID, s, probe.ProofOptions{Host: w.C(), Skew: -tenMinutes}), "forbidden"},
			{"the proof's ts before its signature", s.t.Raw, stale, "unauthorized"},
		})
	})
})

// hostileKey is the server key of a hostile remote: the fake peer's own
// published key when the target can reach it, else a fresh one.
func hostileKey(w *World) fedsig.ServerKey {
	GinkgoHelper()
	if env.Peer != nil {
		return env.Peer.Key
	}
	k, err := fedsig.NewServerKey(w.P.Deps, "ed25519:hostile")
	Expect(err).NotTo(HaveOccurred())
	return k
}
