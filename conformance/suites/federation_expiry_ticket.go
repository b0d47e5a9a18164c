package suites

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
	"github.com/emsg-project/emsg/conformance/harness"
	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// A session_ticket item expires with its ticket, which lives up to 24
// hours (SESS-TICKET-02). To watch one expire, the spec launches one more
// server of the implementation with the reference's setting
// EMSG_SESSION_TICKET_TTL (reference/server/ENVIRONMENT.md) at a few
// seconds, and skips, saying so, when that server's tickets live longer
// than ticketWaitBound anyway (it does not use the setting). The server's
// peer is the second fake peer, which advertises sessions for this spec.

// shortTicketLife is the ticket life the launched server is asked for,
// before the timeout multiplier.
const shortTicketLife = 3 * time.Second

// ticketWaitBound is the longest ticket life, before the timeout
// multiplier, the spec waits out.
const ticketWaitBound = 20 * time.Second

// SettingTicketTTL is the reference's variable for the life of the
// tickets it issues.
const SettingTicketTTL = "EMSG_SESSION_TICKET_TTL"

// queuedTicket is a session_ticket item the server under test sent the
// fake peer.
type queuedTicket struct {
	ID, EnvelopeID string
	Expires        wire.Millis
	// Txn, At and Answered are the transaction that carried it: its name,
	// when it arrived and the status the peer answered.
	Txn      string
	At       time.Time
	Answered int
}

// ticketItems lists the session_ticket items the peer received, in order.
func ticketItems(peer *fakepeer.Peer) []queuedTicket {
	var out []queuedTicket
	for _, r := range peer.Received() {
		for _, raw := range r.Items {
			var it struct {
				Kind   string `json:"kind"`
				Ticket struct {
					ID      string      `json:"id"`
					Expires wire.Millis `json:"expires"`
				} `json:"ticket"`
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal(raw, &it) == nil && it.Kind == "session_ticket" {
				out = append(out, queuedTicket{ID: it.Ticket.ID, EnvelopeID: it.EnvelopeID, Expires: it.Ticket.Expires,
					Txn: r.Txn, At: r.At, Answered: r.Answered})
			}
		}
	}
	return out
}

// ticketsFor lists the session_ticket items that came with the envelope
// envID.
func ticketsFor(peer *fakepeer.Peer, envID string) []queuedTicket {
	var out []queuedTicket
	for _, t := range ticketItems(peer) {
		if t.EnvelopeID == envID {
			out = append(out, t)
		}
	}
	return out
}

// carriesTicket is true of the transactions with a session_ticket item.
func carriesTicket(r fakepeer.Received) bool { return len(itemsIn(r, "session_ticket")) > 0 }

// launchTicketHost launches a server of the implementation, asked for
// short tickets, that reaches peer through its resolver table, and
// returns a probe that reaches it (its exchanges in the spec's evidence)
// with an account on it. It skips the spec when the server does not
// advertise federation and sessions.
func (w *World) launchTicketHost(ctx context.Context, peer *fakepeer.Peer) *probe.Account {
	GinkgoHelper()
	domain := freshDomain("tickets")
	life := fmt.Sprintf("%ds", int(math.Ceil(scale(shortTicketLife).Seconds())))
	l := w.Launch(ctx, harness.LaunchSpec{Domain: domain, Resolve: peer.Domain + "=" + peerEntry(peer),
		Settings: map[string]string{SettingTicketTTL: life}})
	Expect(l.Refused).To(BeFalse(), "the server refused to start with %s=%s: %s", SettingTicketTTL, life, l.Output)
	table, err := env.Deployment.Table().With(domain, l.Addr)
	Expect(err).NotTo(HaveOccurred())
	lp := probe.New(table, scale(requestTimeout))
	lp.Log = w.P.Log
	features := featuresVia(ctx, lp, domain)
	if !features["federation"] || !features["sessions"] {
		Skip(domain + " does not advertise federation and sessions: it issues no session tickets to another server")
	}
	a, err := lp.Register(ctx, domain, "alice")
	Expect(err).NotTo(HaveOccurred(), "register on the launched server")
	return a
}

var _ = Describe("Federation queue expiry of session tickets", func() {
	Conformance(Federation, "drops a session_ticket item whose ticket expired in the queue and sends the next session's", Reqs("FED-QUEUE-09"), func(ctx SpecContext, w *World) {
		peer := w.SecondPeer()
		peer.Offer("sessions")
		alice := w.launchTicketHost(ctx, peer)
		_, mallory := w.peerAccount(peer)
		var refusing atomic.Bool
		refusing.Store(true)
		peer.SetResponder(refuseWhile(&refusing, carriesTicket))
		By("the first envelope to the peer opens a session; the peer refuses its ticket")
		first, r, err := alice.Send(ctx, mallory, "a session begins")
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 202)
		Eventually(ctx, func() []queuedTicket { return ticketsFor(peer, first.ID) }).WithTimeout(scale(deliveryTimeout)).
			ShouldNot(BeEmpty(), "a session_ticket item comes with the envelope that opens a session (SESS-TICKET-01)")
		issued := ticketsFor(peer, first.ID)[0]
		expires := issued.Expires.Time()
		if life := time.Until(expires); life > scale(ticketWaitBound) {
			Skip(fmt.Sprintf("the launched server's tickets live %v (it does not use %s): the spec waits out a ticket of at most %v",
				life.Round(time.Second), SettingTicketTTL, scale(ticketWaitBound)))
		}
		Eventually(ctx, func() bool { return time.Now().After(expires.Add(scale(clockTrail))) }).
			WithTimeout(scale(ticketWaitBound + clockTrail)).WithPolling(10 * time.Millisecond).Should(BeTrue())
		By("the peer accepts again: the envelope goes, its expired ticket never")
		refusing.Store(false)
		Eventually(ctx, func() []fakepeer.Received { return deliveredWith(peer, first.ID) }).WithTimeout(scale(deliveryTimeout)).
			ShouldNot(BeEmpty(), "the envelope that opened the session is delivered")
		var late []string
		for _, t := range ticketItems(peer) {
			if t.ID == issued.ID && t.Answered == 200 {
				late = append(late, fmt.Sprintf("txn %s at %s", t.Txn, t.At.UTC().Format(time.RFC3339Nano)))
			}
		}
		Expect(late).To(BeEmpty(), "the server sent the session_ticket item of ticket %s after it expired at %s", issued.ID, expires.Format(time.RFC3339Nano))
		By("the next envelope opens a new session, whose ticket goes")
		next, r, err := alice.Send(ctx, mallory, "a session again")
		Expect(err).NotTo(HaveOccurred())
		ExpectStatus(r, 202)
		Eventually(ctx, func() []queuedTicket {
			var sent []queuedTicket
			for _, t := range ticketsFor(peer, next.ID) {
				if t.Answered == 200 && t.ID != issued.ID {
					sent = append(sent, t)
				}
			}
			return sent
		}).WithTimeout(scale(deliveryTimeout)).ShouldNot(BeEmpty(), "the new session's session_ticket item is delivered")
	}, SpecTimeout(scale(ticketWaitBound+3*deliveryTimeout)))
})
