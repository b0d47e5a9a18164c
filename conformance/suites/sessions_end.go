package suites

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/oklog/ulid/v2"
)

// Not covered here: the end after 600 seconds without an envelope and at
// the ticket's expiry (at most 24 hours). Section 5 fixes both, and the
// reference does not make them configurable (its sessions.Timing is
// shortened by its own unit tests only), so a case would wait ten
// minutes. SESS-END-01 is cited for the two other ends: the initiator's
// request and the peer's normal closure.

// closeEnded is the status a host closes a session socket with when the
// session ended (section 5).
const closeEnded = 4002

// upgradeStatus tries the upgrade of the session socket of id at host and
// returns its status (101 when it opened; the socket is then closed
// without ending anything) and the error code of a refusal.
func (w *World) upgradeStatus(ctx context.Context, host, id string) (int, string) {
	GinkgoHelper()
	sock, refused, err := w.P.OpenSession(ctx, host, id)
	Expect(err).NotTo(HaveOccurred())
	if sock != nil {
		_ = sock.CloseWith(1001)
		return 101, ""
	}
	return refused.Status, refused.Code()
}

var _ = Describe("Session end", func() {
	Conformance(Sessions, "ends a session on the initiator's request: closes the socket with 4002 and refuses the ticket; ending it again is harmless", Reqs("SESS-END-01"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		sock := w.join(ctx, s)
		ExpectStatus(w.endSession(ctx, s.alice, s.t.ID), 204)
		Eventually(ctx, sock.Done()).WithTimeout(scale(eventTimeout)).Should(BeClosed(), "the host closes the socket")
		Expect(sock.CloseCode()).To(Equal(closeEnded), "closed with %v", sock.CloseError())
		status, code := w.upgradeStatus(ctx, s.host(), s.t.ID)
		Expect([]any{status, code}).To(Equal([]any{404, "not_found"}), "the ticket of an ended session is refused")
		ExpectStatus(w.endSession(ctx, s.alice, s.t.ID), 204)
		By("later envelopes travel by federation")
		id, r := w.Send(ctx, s.alice, s.bob.Bundle(), "after the end")
		ExpectStatus(r, 202)
		nextEnvelope(ctx, s.bs, id)
	})

	Conformance(Sessions, "ends a session when the peer closes its socket normally and then refuses the ticket", Reqs("SESS-END-01"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		sock := w.join(ctx, s)
		Expect(sock.CloseWith(1000)).To(Succeed(), "normal closure")
		Eventually(ctx, func() []any {
			status, code := w.upgradeStatus(ctx, s.host(), s.t.ID)
			return []any{status, code}
		}).WithTimeout(scale(eventTimeout)).Should(Equal([]any{404, "not_found"}), "the ticket of an ended session is refused")
	})

	Conformance(Sessions, "answers end with forbidden for a caller who is not a party and with not_found for an unknown session", Reqs("SESS-END-02"), func(ctx SpecContext, w *World) {
		s := w.StartSession(ctx)
		carol := w.Register(ctx, w.A(), "carol")
		ExpectError(w.endSession(ctx, carol, s.t.ID), "forbidden")
		ExpectError(w.endSession(ctx, s.alice, ulid.Make().String()), "not_found")
		By("the session still lives")
		w.join(ctx, s)
	})
})
