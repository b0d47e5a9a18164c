package suites

import (
	"context"
	"fmt"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/fakepeer"
	"github.com/emsg-project/emsg/conformance/harness"
	"github.com/emsg-project/emsg/conformance/probe"
)

// Launch starts one more server of the implementation under test (see
// harness.Launcher) and stops it when the spec ends; it skips the spec
// when the target cannot.
func (w *World) Launch(ctx context.Context, spec harness.LaunchSpec) *harness.Launched {
	GinkgoHelper()
	return w.LaunchAll(ctx, []harness.LaunchSpec{spec})[0]
}

// LaunchAll is Launch for several servers at once, started side by side.
func (w *World) LaunchAll(ctx context.Context, specs []harness.LaunchSpec) []*harness.Launched {
	GinkgoHelper()
	l, ok := env.Deployment.(harness.Launcher)
	if !ok {
		Skip("the " + env.Config.Kind + " target cannot start extra servers of the implementation (the embedded, exec and container targets can)")
	}
	out, errs := make([]*harness.Launched, len(specs)), make([]error, len(specs))
	var wg sync.WaitGroup
	for i, spec := range specs {
		wg.Go(func() { out[i], errs[i] = l.Launch(ctx, spec) })
	}
	wg.Wait()
	for _, launched := range out {
		if launched != nil {
			DeferCleanup(func(ctx SpecContext) error { return launched.Stop(ctx) })
		}
	}
	for i, err := range errs {
		Expect(err).NotTo(HaveOccurred(), "launch a server for %s", specs[i].Domain)
	}
	return out
}

// freshDomain is a domain no earlier launch used.
func freshDomain(prefix string) string { return probe.FreshLocal(prefix) + ".test" }

// expectUsesTable checks that the launched server of domain reaches the
// fake peer at the address its resolver table gave: one of its accounts
// gets the bundle of a peer account (a federation key fetch).
func (w *World) expectUsesTable(ctx context.Context, l *harness.Launched, domain string, peer *fakepeer.Peer) {
	GinkgoHelper()
	Expect(l.Refused).To(BeFalse(), "the server refused to start: %s", l.Output)
	table, err := env.Deployment.Table().With(domain, l.Addr)
	Expect(err).NotTo(HaveOccurred())
	lp := probe.New(table, scale(requestTimeout))
	lp.Log = w.P.Log // one evidence log for the spec
	if !featuresVia(ctx, lp, domain)["federation"] {
		Skip(domain + " does not advertise federation: the resolver table is observed through a key fetch from the fake peer")
	}
	a, err := lp.Register(ctx, domain, "resolver")
	Expect(err).NotTo(HaveOccurred(), "register on the launched server")
	id, _ := w.peerAccount(peer)
	r, err := a.Call(ctx, "GET", "/emsg/v1/keys/"+probe.PathOf(id.Address()), nil)
	Expect(err).NotTo(HaveOccurred())
	ExpectStatus(r, 200)
	Expect(r.Body).To(ContainSubstring(fmt.Sprintf("%q", id.Address().String())), "the bundle of the peer's account")
}

// peerEntry is the fake peer's address in the suite's table.
func peerEntry(peer *fakepeer.Peer) string {
	GinkgoHelper()
	addr, ok := env.Deployment.Table().Lookup(peer.Domain)
	Expect(ok).To(BeTrue(), "the fake peer %s is in the table", peer.Domain)
	return addr
}

var _ = Describe("Resolver table", func() {
	Conformance(Core, "reaches a domain at the address EMSG_RESOLVE maps it to", Reqs("RESOLVE-ENV-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		domain := freshDomain("env")
		l := w.Launch(ctx, harness.LaunchSpec{Domain: domain, Resolve: peer.Domain + "=" + peerEntry(peer)})
		w.expectUsesTable(ctx, l, domain, peer)
	})

	Conformance(Core, "reaches a domain at the address the EMSG_RESOLVE_FILE table maps it to, ignoring comments and blank lines", Reqs("RESOLVE-FILE-01"), func(ctx SpecContext, w *World) {
		peer := w.Peer()
		domain := freshDomain("file")
		text := "# the conformance suite's table\n\n" + peer.Domain + " " + peerEntry(peer) + "   # the fake peer\n\n# end\n"
		l := w.Launch(ctx, harness.LaunchSpec{Domain: domain, ResolveFile: text})
		w.expectUsesTable(ctx, l, domain, peer)
	})

	Conformance(Core, "refuses to start, naming the entry, with an invalid domain, host or port or a domain mapped twice", Reqs("RESOLVE-BAD-01"), func(ctx SpecContext, w *World) {
		var specs []harness.LaunchSpec
		var entries, names []string
		for _, tc := range []struct {
			name  string
			entry func(d string) harness.LaunchSpec
		}{
			{"an invalid domain", func(d string) harness.LaunchSpec {
				return harness.LaunchSpec{Resolve: "bad_" + d + "=127.0.0.1:7000"}
			}},
			{"an invalid host", func(d string) harness.LaunchSpec { return harness.LaunchSpec{Resolve: d + "=-bad-:7000"} }},
			{"port 0", func(d string) harness.LaunchSpec { return harness.LaunchSpec{Resolve: d + "=127.0.0.1:0"} }},
			{"port 65536", func(d string) harness.LaunchSpec { return harness.LaunchSpec{Resolve: d + "=127.0.0.1:65536"} }},
			{"a domain mapped twice", func(d string) harness.LaunchSpec {
				return harness.LaunchSpec{Resolve: d + "=127.0.0.1:7001," + d + "=127.0.0.1:7002"}
			}},
			{"a domain mapped twice in the file", func(d string) harness.LaunchSpec {
				return harness.LaunchSpec{ResolveFile: d + " 127.0.0.1:7001\n" + d + " 127.0.0.1:7002\n"}
			}},
			{"a port outside 1-65535 in the file", func(d string) harness.LaunchSpec {
				return harness.LaunchSpec{ResolveFile: "# one bad entry\n" + d + " 127.0.0.1:99999\n"}
			}},
		} {
			entries = append(entries, freshDomain("entry"))
			names = append(names, tc.name)
			spec := tc.entry(entries[len(entries)-1])
			spec.Domain = freshDomain("bad")
			specs = append(specs, spec)
		}
		for i, l := range w.LaunchAll(ctx, specs) {
			By(names[i])
			Expect(l.Refused).To(BeTrue(), "started at %s with %s", l.Addr, names[i])
			Expect(l.Output).To(ContainSubstring(entries[i]), "the refusal names the entry")
		}
	}, SpecTimeout(scale(launchTimeout)))
})

// launchTimeout bounds the spec that launches seven servers side by side
// (containers take seconds each).
const launchTimeout = time.Minute
