package runner

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/rpc"
	"sync"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// The parallel host is what the ginkgo CLI runs for `ginkgo -p`, here in
// the process of `emsg conform`: the Ginkgo processes of one run (this
// one and the others it starts) ask it for the next spec to run (one
// shared counter, so that a slow spec never holds the others up), report
// every spec to it for the console, and process 1 collects the others'
// reports from it at the end.
//
// Ginkgo's own host (internal/parallel_support) cannot be imported; this
// is its RPC server and handler, ported from Ginkgo v2.34.0 (MIT licence,
// Copyright (c) 2013-2014 Onsi Fakhouri). The method names, argument types
// and error texts are the protocol of Ginkgo's RPC client and must follow
// it when go.mod moves Ginkgo; TestParallelRun runs it end to end.

// The errors the client recognises by their text: keep polling (early),
// the process is gone, the run failed.
var (
	errEarly = errors.New("early")
	errGone  = errors.New("gone")
)

// Void is the protocol's empty argument and reply.
type Void struct{}

// BeforeSuiteState is what process 1 hands the others after a
// SynchronizedBeforeSuite (the suites have none; the protocol does).
type BeforeSuiteState struct {
	Data  []byte
	State types.SpecState
}

// Host is the handler the processes call (by its method names, under
// the name "Server"). Create it with [newHost].
type Host struct {
	reporter reporters.Reporter
	output   io.Writer
	total    int

	mu                sync.Mutex
	alive             []func() bool // per process; nil: alive
	begun, ended      int
	procDidEnd        []bool
	aggregated        types.Report
	holding           []types.SpecReport // spec reports before every process began
	beforeSuite       BeforeSuiteState
	reportBeforeSuite types.SpecState
	counter           int
	abort             bool
}

// newHost returns the host of a run of total processes that prints
// through reporter and writes the processes' output to output.
func newHost(total int, reporter reporters.Reporter, output io.Writer) *Host {
	return &Host{reporter: reporter, output: output, total: total, alive: make([]func() bool, total),
		procDidEnd: make([]bool, total), beforeSuite: BeforeSuiteState{State: types.SpecStateInvalid}}
}

// serve answers the processes on a loopback port until l is closed; the
// address goes in their ParallelHost.
func (h *Host) serve() (net.Listener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := rpc.NewServer()
	if err := srv.RegisterName("Server", h); err != nil {
		l.Close()
		return nil, err
	}
	go func() { _ = (&http.Server{Handler: srv}).Serve(l) }()
	return l, nil
}

// registerAlive tells the host how to know whether process proc is still
// running (a process that died counts as finished).
func (h *Host) registerAlive(proc int, alive func() bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.alive[proc-1] = alive
}

// SpecSuiteWillBegin: the console's header once every process began.
func (h *Host) SpecSuiteWillBegin(report types.Report, _ *Void) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.begun++
	if h.begun == h.total {
		h.reporter.SuiteWillBegin(report)
		for _, sr := range h.holding {
			h.reporter.WillRun(sr)
			h.reporter.DidRun(sr)
		}
		h.holding = nil
	}
	return nil
}

// DidRun: one spec ran somewhere.
func (h *Host) DidRun(report types.SpecReport, _ *Void) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.begun == h.total {
		h.reporter.WillRun(report)
		h.reporter.DidRun(report)
	} else {
		h.holding = append(h.holding, report)
	}
	return nil
}

// SpecSuiteDidEnd: a process finished; the console's summary once all did.
func (h *Host) SpecSuiteDidEnd(report types.Report, _ *Void) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ended++
	if p := report.SuiteConfig.ParallelProcess; p >= 1 && p <= h.total {
		h.procDidEnd[p-1] = true
	}
	if h.ended == 1 {
		h.aggregated = report
	} else {
		h.aggregated = h.aggregated.Add(report)
	}
	if h.ended == h.total {
		h.reporter.SuiteDidEnd(h.aggregated)
	}
	return nil
}

// EmitOutput: a process's intercepted output.
func (h *Host) EmitOutput(output []byte, n *int) error {
	var err error
	*n, err = h.output.Write(output)
	return err
}

// EmitProgressReport: a process's progress report (a slow spec).
func (h *Host) EmitProgressReport(report types.ProgressReport, _ *Void) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reporter.EmitProgressReport(report)
	return nil
}

func (h *Host) procIsAlive(proc int) bool {
	h.mu.Lock()
	alive := h.alive[proc-1]
	h.mu.Unlock()
	return alive == nil || alive()
}

func (h *Host) procHasFinished(proc int) bool {
	h.mu.Lock()
	ended := h.procDidEnd[proc-1]
	h.mu.Unlock()
	return ended || !h.procIsAlive(proc)
}

func (h *Host) nonprimaryProcsFinished() bool {
	for p := 2; p <= h.total; p++ {
		if !h.procHasFinished(p) {
			return false
		}
	}
	return true
}

// ReportBeforeSuiteCompleted: process 1 ran the ReportBeforeSuite nodes.
func (h *Host) ReportBeforeSuiteCompleted(state types.SpecState, _ *Void) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reportBeforeSuite = state
	return nil
}

// ReportBeforeSuiteState: how process 1's ReportBeforeSuite went.
func (h *Host) ReportBeforeSuiteState(_ Void, state *types.SpecState) error {
	proc1Alive := h.procIsAlive(1)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.reportBeforeSuite == types.SpecStateInvalid {
		if proc1Alive {
			return errEarly
		}
		return errGone
	}
	*state = h.reportBeforeSuite
	return nil
}

// BeforeSuiteCompleted: process 1 ran the SynchronizedBeforeSuite.
func (h *Host) BeforeSuiteCompleted(state BeforeSuiteState, _ *Void) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.beforeSuite = state
	return nil
}

// BeforeSuiteState: process 1's SynchronizedBeforeSuite data.
func (h *Host) BeforeSuiteState(_ Void, state *BeforeSuiteState) error {
	proc1Alive := h.procIsAlive(1)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.beforeSuite.State == types.SpecStateInvalid {
		if proc1Alive {
			return errEarly
		}
		return errGone
	}
	*state = h.beforeSuite
	return nil
}

// HaveNonprimaryProcsFinished: process 1 waits for it before the Serial
// specs and before its ReportAfterSuite.
func (h *Host) HaveNonprimaryProcsFinished(_ Void, _ *Void) error {
	if h.nonprimaryProcsFinished() {
		return nil
	}
	return errEarly
}

// AggregatedNonprimaryProcsReport: the other processes' reports, for
// process 1's ReportAfterSuite (gone when one of them died).
func (h *Host) AggregatedNonprimaryProcsReport(_ Void, report *types.Report) error {
	if !h.nonprimaryProcsFinished() {
		return errEarly
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ended != h.total-1 {
		return errGone
	}
	*report = h.aggregated
	return nil
}

// Counter: the index of the next group of specs to run.
func (h *Host) Counter(_ Void, counter *int) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	*counter = h.counter
	h.counter++
	return nil
}

// Abort: a process asks the others to stop (a failure under --fail-fast).
func (h *Host) Abort(_ Void, _ *Void) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.abort = true
	return nil
}

// ShouldAbort: whether a process asked to stop.
func (h *Host) ShouldAbort(_ Void, abort *bool) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	*abort = h.abort
	return nil
}
