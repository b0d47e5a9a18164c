// Package runner runs the conformance suites in-process — from `emsg
// conform` and from the suites' own tests — and turns Ginkgo's report
// into the project's results model (reports/results): it starts the
// target (package harness) and the fake peer, calls Ginkgo's RunSpecs
// with the profiles' label filter, applies the expectations file and
// writes the run as JSON.
//
// Ginkgo runs one suite per process (RunSpecs refuses a second call), so
// a program calls [Run] once; the suites' tests run each deliberately
// broken server in a subprocess of their own. With Options.Procs above
// one, [Run] is process 1 of a parallel run: it hosts the run and starts
// the other processes by running Options.Command, each with its own
// deployment (parallel.go, parallel_host.go).
package runner
