package suites

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
	"github.com/emsg-project/emsg/conformance/harness"
	"github.com/emsg-project/emsg/conformance/probe"
	"github.com/emsg-project/emsg/reference/protocol/keys"
)

// requestTimeout bounds one HTTP exchange of the probe.
const requestTimeout = 10 * time.Second

// World is one spec's view of the deployment: a fresh probe (its log is
// the spec's wire evidence) and helpers that fail the spec with messages
// that read "got X, want Y".
type World struct {
	P   *probe.Probe
	ids []string
}

func newWorld(ids []string) *World {
	if env == nil {
		Fail("no deployment: the runner did not call suites.Use")
	}
	DeferCleanup(attachServerLogs)
	w := &World{P: probe.New(env.Deployment.Table(), scale(requestTimeout)), ids: ids}
	w.P.Invites = w.mintInvite // registrations go through an invite policy too
	return w
}

// attachServerLogs attaches the tail of every server's log to a spec that
// failed: evidence that travels with the spec's report from whichever
// process of a parallel run ran it.
func attachServerLogs() {
	if !CurrentSpecReport().Failed() {
		return
	}
	var parts []string
	seen := map[string]bool{}
	for _, d := range env.Deployment.Domains() {
		if l := env.Deployment.Logs(d); l != "" && !seen[l] {
			seen[l] = true
			parts = append(parts, "== "+d+"\n"+l)
		}
	}
	AddReportEntry(EntryServerLog, strings.Join(parts, "\n"), ReportEntryVisibilityNever)
}

// finish attaches the evidence to the spec's report and fails the spec if
// the server sent anything that departs from spec/.
func (w *World) finish() {
	AddReportEntry(EntryWire, w.P.Log.Entries(), ReportEntryVisibilityNever)
	v := w.P.Log.Violations()
	if len(v) > 0 && !CurrentSpecReport().Failed() {
		Fail(fmt.Sprintf("the server's answer departs from spec/ (%s): %s", strings.Join(w.ids, ", "), v[0]))
	}
}

// The report entry names the runner reads.
const (
	EntryWire      = "emsg-wire"
	EntryServerLog = "emsg-server-log"
)

// A, B and C are the first three domains under test.
func (w *World) A() string { return domain(0) }
func (w *World) B() string { return domain(1) }
func (w *World) C() string { return domain(2) }

func domain(i int) string {
	ds := env.Deployment.Domains()
	if i >= len(ds) {
		Skip(fmt.Sprintf("needs %d domains under test, the target has %d", i+1, len(ds)))
	}
	return ds[i]
}

// Register makes a fresh, logged-in account on domain.
func (w *World) Register(ctx context.Context, domain, prefix string) *probe.Account {
	GinkgoHelper()
	a, err := w.P.Register(ctx, domain, prefix)
	Expect(err).NotTo(HaveOccurred(), "register a fresh account on %s", domain)
	return a
}

// Peer returns the fake federation peer, or skips the spec.
func (w *World) Peer() *fakepeer.Peer {
	if env.Peer == nil {
		Skip("needs the fake federation peer, which this target's servers cannot reach")
	}
	DeferCleanup(func() { env.Peer.SetResponder(nil) })
	return env.Peer
}

// SecondPeer and ThirdPeer return the other fake peers, or skip the
// spec; each is used by one spec only, so what a server under test
// caches about it comes from that spec.
func (w *World) SecondPeer() *fakepeer.Peer { return nthPeer(1) }
func (w *World) ThirdPeer() *fakepeer.Peer  { return nthPeer(2) }

func nthPeer(i int) *fakepeer.Peer {
	if len(env.Peers) <= i {
		Skip(fmt.Sprintf("needs %d fake federation peers (EMSG_CONFORM_PEERS)", i+1))
	}
	p := env.Peers[i]
	DeferCleanup(func() { p.SetResponder(nil); p.Claim(""); p.Redirect(""); p.Offer() })
	return p
}

// Control returns the deployment's controls.
func (w *World) Control() harness.Control { return env.Deployment.Control() }

// MustControl runs a control action, skipping the spec when the target
// cannot do it.
func (w *World) MustControl(err error) {
	GinkgoHelper()
	if errors.Is(err, harness.ErrUnsupported) {
		Skip(err.Error())
	}
	Expect(err).NotTo(HaveOccurred())
}

// Call sends an authenticated request and fails the spec if no answer came.
func (w *World) Call(ctx context.Context, a *probe.Account, method, path string, body any) *probe.Response {
	GinkgoHelper()
	r, err := a.Call(ctx, method, path, body)
	Expect(err).NotTo(HaveOccurred(), "%s %s", method, path)
	return r
}

// Send seals text to the bundle and posts it, failing the spec on no answer.
func (w *World) Send(ctx context.Context, from *probe.Account, to keys.Bundle, text string) (string, *probe.Response) {
	GinkgoHelper()
	env, r, err := from.Send(ctx, to, text)
	Expect(err).NotTo(HaveOccurred(), "send to %s", to.Address)
	return env.ID, r
}

// Stream opens a's stream with since and closes it at the end of the spec.
func (w *World) Stream(ctx context.Context, a *probe.Account, since int64) *probe.Stream {
	GinkgoHelper()
	s, refused, err := a.OpenStream(ctx, since)
	Expect(err).NotTo(HaveOccurred(), "open the stream of %s", a.Addr)
	Expect(refused).To(BeNil(), "open the stream of %s", a.Addr)
	DeferCleanup(s.Close)
	return s
}

// Befriend makes a and b accepted contacts (a asks, b accepts).
func (w *World) Befriend(ctx context.Context, a, b *probe.Account) {
	GinkgoHelper()
	r := w.Call(ctx, a, "POST", "/emsg/v1/contacts/requests", map[string]any{"to": b.Addr, "bundle": a.Bundle()})
	ExpectStatus(r, 202)
	Eventually(ctx, func() int {
		r := w.Call(ctx, b, "POST", "/emsg/v1/contacts/requests/"+probe.PathOf(a.Addr)+"/accept", map[string]any{"bundle": b.Bundle()})
		return r.Status
	}).WithTimeout(scale(10*time.Second)).Should(Equal(200), "%s accepts %s's request", b.Addr, a.Addr)
}

// ExpectStatus fails the spec unless r has status.
func ExpectStatus(r *probe.Response, status int) {
	GinkgoHelper()
	Expect(r.Status).To(Equal(status), "got %s, want %d; body %s", r, status, r.Body)
}

// ExpectError fails the spec unless r is the error code with its status.
func ExpectError(r *probe.Response, code string) {
	GinkgoHelper()
	Expect(r.Code()).To(Equal(code), "got %s, want error %s; body %s", r, code, r.Body)
}
