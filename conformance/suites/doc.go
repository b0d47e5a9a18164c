// Package suites holds the conformance specs (Ginkgo v2 + Gomega) that
// certify an EMSG/1 server: the core, federation, groups, robustness and security
// suites. The specs register themselves with Ginkgo when the package is
// imported, so the same specs run from `go test ./conformance/...` and,
// compiled into the CLI, from `emsg conform` (package runner calls
// RunSpecs in-process).
//
// # Writing a spec
//
// Every spec is declared with [It] (this package's wrapper, after
// Kubernetes' ConformanceIt): a suite, a sentence, the requirement IDs of
// spec/requirements.yaml it checks, and a body that gets a [World] — a
// fresh wire client (package probe) whose log is the spec's evidence:
//
//	var _ = Describe("Login", func() {
//		It(Core, "revokes a token on logout", Reqs("LOGIN-LOGOUT-01"), func(ctx SpecContext, w *World) {
//			alice := w.Register(ctx, w.A(), "alice")
//			...
//		})
//	})
//
// The wrapper labels the spec with its suite, its level (the strongest
// cited) and each ID, records it for the coverage check, bounds it with
// a SpecTimeout, and fails it when the probe saw a departure from spec/
// in anything the server sent. Specs make fresh users, clean up with
// DeferCleanup, wait with Eventually (never time.Sleep) and do not depend
// on each other, so they run in any order and in parallel.
//
// The suites reach the implementation through [Use], which the runner
// calls with a harness.Deployment before the specs run.
package suites
