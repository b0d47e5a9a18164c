package suites

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Sessions is the suite of the sessions profile (section 5): tickets,
// the session socket's checks in their order, carried envelopes, the
// fallback to federation and the end of a session.
const Sessions Suite = "sessions"

// session is one live session the suite started the ordinary way: alice
// on A (the initiator; A is the host) sent bob on B (the peer) an
// envelope, and bob's server pushed him the ticket.
type session struct {
	alice, bob *probe.Account
	as, bs     *probe.Stream // their event streams
	first      string        // the envelope that opened the session
	t          probe.Ticket  // the ticket as bob received it
}

// host is the domain that issued the ticket.
func (s *session) host() string { return s.t.Host }

// StartSession makes alice on A and bob on B accepted contacts, opens
// their streams and has alice write to bob, and returns the session once
// bob holds its ticket. It skips the spec when A or B does not advertise
// sessions.
func (w *World) StartSession(ctx context.Context) *session {
	GinkgoHelper()
	w.needSessions(ctx, w.A(), w.B())
	alice, bob := w.Register(ctx, w.A(), "alice"), w.Register(ctx, w.B(), "bob")
	w.befriendBoth(ctx, alice, bob)
	return w.startSessionOf(ctx, alice, bob)
}

// befriendBoth makes a and b accepted contacts and waits until a's server
// knows it too (the acceptance travels back by federation), so that a
// spec starts with both servers agreeing; a's server then also holds b's
// bundle, the key a host may check the peer's proof with when the peer's
// server does not answer a key request.
func (w *World) befriendBoth(ctx context.Context, a, b *probe.Account) {
	GinkgoHelper()
	w.Befriend(ctx, a, b)
	Eventually(ctx, func() string {
		r := w.Call(ctx, a, "GET", "/emsg/v1/contacts", nil)
		var list struct {
			Contacts []struct{ Address, State string } `json:"contacts"`
		}
		if r.Status != 200 || r.Decode(&list) != nil {
			return r.String()
		}
		for _, c := range list.Contacts {
			if c.Address == b.Addr.String() {
				return c.State
			}
		}
		return "absent"
	}).WithTimeout(scale(deliveryTimeout)).Should(Equal("accepted"), "%s sees %s as an accepted contact", a.Addr, b.Addr)
}

// startSessionOf has initiator write to peer (accepted contacts on two
// domains) and returns the session once the peer holds its ticket.
func (w *World) startSessionOf(ctx context.Context, initiator, peer *probe.Account) *session {
	GinkgoHelper()
	s := &session{alice: initiator, bob: peer, as: w.Stream(ctx, initiator, -1), bs: w.Stream(ctx, peer, -1)}
	NextFrame(ctx, s.as, "ready")
	NextFrame(ctx, s.bs, "ready")
	id, r := w.Send(ctx, initiator, peer.Bundle(), "hello, a session begins")
	ExpectStatus(r, 202)
	s.first = id
	s.t = ticketFor(ctx, s.bs, id)
	return s
}

// needSessions skips the spec unless every domain advertises sessions.
func (w *World) needSessions(ctx context.Context, domains ...string) {
	GinkgoHelper()
	for _, d := range domains {
		if !w.Features(ctx, d)["sessions"] {
			Skip(fmt.Sprintf("%s does not advertise sessions", d))
		}
	}
}

// ticketFor waits on s for the session_ticket event that came with the
// envelope envID, skipping other events.
func ticketFor(ctx context.Context, s *probe.Stream, envID string) probe.Ticket {
	GinkgoHelper()
	var got probe.Ticket
	Eventually(ctx, func() error {
		for {
			f, ok := s.Poll()
			if !ok {
				return fmt.Errorf("no session_ticket event with envelope_id %s yet", envID)
			}
			if f.Type != "event" || f.Kind() != "session_ticket" {
				continue
			}
			t, err := probe.TicketOf(f)
			if err != nil {
				return StopTrying("the session_ticket event carries no ticket").Wrap(err)
			}
			if t.EnvelopeID == envID {
				got = t
				return nil
			}
		}
	}).WithTimeout(scale(deliveryTimeout)).WithPolling(5 * time.Millisecond).Should(Succeed())
	return got
}

// proof makes a session proof of id for the session's ticket.
func (w *World) proof(id *keys.Identity, s *session, opts probe.ProofOptions) json.RawMessage {
	GinkgoHelper()
	raw, err := w.P.Proof(id, s.t.Ticket, opts)
	Expect(err).NotTo(HaveOccurred())
	return raw
}

// goodProof is bob's proof for the session's ticket.
func (w *World) goodProof(s *session) json.RawMessage {
	GinkgoHelper()
	return w.proof(s.bob.ID, s, probe.ProofOptions{})
}

// editTicket returns the session's ticket with members set, re-signed
// with resign if it is not nil (otherwise its sig no longer verifies).
func editTicket(raw json.RawMessage, set map[string]any, resign ed25519.PrivateKey) json.RawMessage {
	GinkgoHelper()
	out, err := probe.Edit(raw, set, resign)
	Expect(err).NotTo(HaveOccurred())
	return out
}

// OpenSession upgrades to the session socket of id at host, expecting
// 101, and closes it (going away, which ends nothing) after the spec.
func (w *World) OpenSession(ctx context.Context, host, id string) *probe.Stream {
	GinkgoHelper()
	s, refused, err := w.P.OpenSession(ctx, host, id)
	Expect(err).NotTo(HaveOccurred(), "upgrade to the session socket %s at %s", id, host)
	Expect(refused).To(BeNil(), "upgrade to the session socket %s at %s", id, host)
	DeferCleanup(func() error { return s.CloseWith(1001) })
	return s
}

// presentAt opens the socket of urlID at the session's host and sends a
// session_open frame with ticket and auth.
func (w *World) presentAt(ctx context.Context, s *session, urlID string, ticket, auth json.RawMessage) *probe.Stream {
	GinkgoHelper()
	sock := w.OpenSession(ctx, s.host(), urlID)
	Expect(sock.SendOpen(ticket, auth)).To(Succeed())
	return sock
}

// present is presentAt the session's own socket.
func (w *World) present(ctx context.Context, s *session, ticket, auth json.RawMessage) *probe.Stream {
	GinkgoHelper()
	return w.presentAt(ctx, s, s.t.ID, ticket, auth)
}

// join opens the session's socket as bob with a good proof and waits for
// ready.
func (w *World) join(ctx context.Context, s *session) *probe.Stream {
	GinkgoHelper()
	proof := w.goodProof(s)
	Expect(probe.ValidOpenFrame(s.t.Raw, proof)).To(Succeed(), "the suite's own session_open frame passes the spec's schemas")
	sock := w.present(ctx, s, s.t.Raw, proof)
	f := NextFrame(ctx, sock, "ready")
	Expect(f.ResumeFrom).To(BeZero(), "a session socket's ready has resume_from 0")
	return sock
}

// ExpectSessionRefused fails the spec unless the first frame the host sends on
// sock is an error frame with code and the host then closes the socket.
func ExpectSessionRefused(ctx context.Context, sock *probe.Stream, code string) {
	GinkgoHelper()
	f := firstFrame(ctx, sock)
	Expect(f.Type == "error" && f.Error == code).To(BeTrue(), "got %s, want an error frame with %s", frameText(f), code)
	Eventually(ctx, sock.Done()).WithTimeout(scale(eventTimeout)).Should(BeClosed(), "the host closes the socket after refusing it")
}

// firstFrame waits for the next frame of any type on sock.
func firstFrame(ctx context.Context, sock *probe.Stream) probe.Frame {
	GinkgoHelper()
	var f probe.Frame
	Eventually(ctx, func() bool {
		var ok bool
		f, ok = sock.Poll()
		return ok
	}).WithTimeout(scale(eventTimeout)).WithPolling(5*time.Millisecond).Should(BeTrue(), "a frame from the host")
	return f
}

// frameText is a frame for a failure message ("no frame: closed …" when
// the socket closed instead).
func frameText(f probe.Frame) string {
	if f.Raw == nil {
		return "no frame (the socket closed)"
	}
	return string(f.Raw)
}

// nowMillis is the suite's clock in milliseconds.
func nowMillis() wire.Millis { return wire.ToMillis(time.Now()) }

// endSession asks the host to end s as a.
func (w *World) endSession(ctx context.Context, a *probe.Account, id string) *probe.Response {
	GinkgoHelper()
	return w.Call(ctx, a, "POST", "/emsg/v1/sessions/"+id+"/end", nil)
}

// envelopeOf reads the envelope id of an envelope event frame.
func envelopeOf(f probe.Frame) (id, from string) {
	GinkgoHelper()
	var ev struct {
		Envelope struct {
			ID   string `json:"id"`
			From string `json:"from"`
		} `json:"envelope"`
	}
	Expect(f.EventInto(&ev)).To(Succeed())
	return ev.Envelope.ID, ev.Envelope.From
}

// nextEnvelope waits on s for the envelope event of id, skipping others.
func nextEnvelope(ctx context.Context, s *probe.Stream, id string) probe.Frame {
	GinkgoHelper()
	return envelopeWithin(ctx, s, id, deliveryTimeout)
}

// envelopeWithin is nextEnvelope waiting at most d (before the timeout
// multiplier).
func envelopeWithin(ctx context.Context, s *probe.Stream, id string, d time.Duration) probe.Frame {
	GinkgoHelper()
	var got probe.Frame
	Eventually(ctx, func() bool {
		for {
			f, ok := s.Poll()
			if !ok {
				return false
			}
			if f.Type == "event" && f.Kind() == "envelope" {
				if eid, _ := envelopeOf(f); eid == id {
					got = f
					return true
				}
			}
		}
	}).WithTimeout(scale(d)).WithPolling(5*time.Millisecond).Should(BeTrue(), "the envelope %s", id)
	return got
}
