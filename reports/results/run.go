// Package results is the one results model every conformance run produces
// and every renderer, merge and diff reads.
//
// # Shape
//
// A [Run] is one implementation checked by the suites against one
// [Target]. It holds one [Case] per spec (Ginkgo It) that ran or was
// skipped; each case cites the requirement IDs of spec/requirements.yaml it
// checks and carries its [Verdict] and its [Evidence]. Per-requirement and
// per-profile results, and certification, are derived from the cases: they
// are never stored separately, so they cannot disagree with them.
//
// The JSON form of a Run (field names as tagged) is the project's stable
// results format, format version [FormatVersion]; CI pipelines keep it and
// `emsg report diff` compares two of them.
package results

import "time"

// FormatVersion is the version of the JSON results format this package
// writes. Readers refuse other versions with a clear error.
const FormatVersion = 1

// KindConformance marks a conformance run in [Run.Kind]; load runs (loadgen)
// use their own kind, so a reader can tell the two apart.
const KindConformance = "conformance"

// Run is the result of one conformance run.
type Run struct {
	Kind           string         `json:"kind"`   // KindConformance
	Format         int            `json:"format"` // FormatVersion
	Implementation Implementation `json:"implementation"`
	Target         Target         `json:"target"`
	Started        time.Time      `json:"started"`
	Duration       Millis         `json:"duration_ms"`
	// Profiles are the profiles the run set out to check (the suites
	// selected), whether or not the implementation advertises them.
	Profiles []string `json:"profiles"`
	// Advertised are the profiles the implementation's discovery document
	// claims.
	Advertised []string `json:"advertised,omitempty"`
	Cases      []Case   `json:"cases"`
}

// Implementation names what was checked.
type Implementation struct {
	Name    string `json:"name"`              // e.g. "emsg-reference"
	Version string `json:"version,omitempty"` // as the implementation reports it
}

// Target says how the implementation ran: embedded (in-process reference),
// exec (a command per domain), container (an image per domain) or external
// (servers already running, by resolver table).
type Target struct {
	Kind    string            `json:"kind"`
	Domains []string          `json:"domains"`
	Detail  map[string]string `json:"detail,omitempty"` // e.g. image per domain, command template
}

// Case is one spec of a suite: one behaviour, checked once.
type Case struct {
	// ID is stable across runs (suite path and a slug of the name), so
	// diffs can match cases.
	ID           string   `json:"id"`
	Name         string   `json:"name"`    // the spec read as a sentence
	Profile      string   `json:"profile"` // core, federation, ..., robustness, security
	Level        string   `json:"level"`   // MUST, SHOULD or MAY: the strongest cited
	Requirements []string `json:"requirements"`
	Verdict      Verdict  `json:"verdict"`
	// Reason explains a skip, an expected failure (from the expectations
	// file) or a failure (the assertion's message).
	Reason   string   `json:"reason,omitempty"`
	Expected string   `json:"expected,omitempty"`
	Actual   string   `json:"actual,omitempty"`
	Duration Millis   `json:"duration_ms"`
	Evidence Evidence `json:"evidence,omitzero"`
}

// Evidence is what a reader needs to see why a case failed: the wire log
// of the suite's own client and an excerpt of the server's log.
type Evidence struct {
	Wire      []WireEntry `json:"wire,omitempty"`
	ServerLog string      `json:"server_log,omitempty"`
}

// WireEntry is one HTTP exchange or WebSocket frame the suite's client saw.
type WireEntry struct {
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"`                // "http", "ws-send", "ws-recv"
	Summary   string    `json:"summary"`             // e.g. "POST https://a.test/emsg/v1/messages → 202"
	Request   string    `json:"request,omitempty"`   // body, truncated
	Response  string    `json:"response,omitempty"`  // body or frame, truncated
	Violation string    `json:"violation,omitempty"` // schema/OpenAPI violation, if any
}

// Millis is a duration in whole milliseconds, as the results format
// stores durations.
type Millis int64

// MillisOf converts d.
func MillisOf(d time.Duration) Millis { return Millis(d.Milliseconds()) }
