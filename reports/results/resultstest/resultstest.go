// Package resultstest holds fixed runs and a small requirements catalogue
// for the tests of the reports packages: every golden file is rendered from
// these, so they are deterministic (fixed times, fixed durations) and small
// enough to read.
package resultstest

import (
	"time"

	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/spec"
)

// Started is the fixed start time of the sample runs.
var Started = time.Date(2026, 11, 22, 4, 30, 0, 0, time.UTC)

// Catalogue is a small requirements catalogue: core has three MUSTs and a
// SHOULD, federation two MUSTs.
func Catalogue() []spec.Requirement {
	return []spec.Requirement{
		{ID: "CORE-ADDR-01", Level: spec.Must, Profile: spec.Core, Statement: "A server MUST reject an address that breaks the grammar with bad_address."},
		{ID: "CORE-MSG-01", Level: spec.Must, Profile: spec.Core, Statement: "A server MUST store an envelope before answering 202."},
		{ID: "CORE-MSG-02", Level: spec.Must, Profile: spec.Core, Statement: "A server MUST deliver each envelope to the recipient's stream."},
		{ID: "CORE-MSG-03", Level: spec.Should, Profile: spec.Core, Statement: "A server SHOULD deliver within one second."},
		{ID: "FED-TXN-01", Level: spec.Must, Profile: spec.Federation, Statement: "A server MUST verify the signature of a transaction."},
		{ID: "FED-TXN-02", Level: spec.Must, Profile: spec.Federation, Statement: "A server MUST refuse a replayed transaction."},
	}
}

// Passing is a run of the reference that certifies core and federation.
func Passing() results.Run {
	return results.Run{
		Kind: results.KindConformance, Format: results.FormatVersion,
		Implementation: results.Implementation{Name: "emsg-reference", Version: "0.1.0"},
		Target:         results.Target{Kind: "embedded", Domains: []string{"a.test", "b.test", "c.test"}},
		Started:        Started, Duration: 1500,
		Profiles: []string{"core", "federation"}, Advertised: []string{"core", "federation"},
		Cases: []results.Case{
			pass("core/addresses/rejects-bad-addresses", "rejects an address with an @ with bad_address", "core", "MUST", "CORE-ADDR-01"),
			pass("core/messaging/stores-before-202", "stores an envelope before answering 202", "core", "MUST", "CORE-MSG-01"),
			pass("core/messaging/delivers-to-stream", "delivers an envelope to the recipient's stream within a second", "core", "MUST", "CORE-MSG-02", "CORE-MSG-03"),
			pass("federation/txn/verifies-signature", "refuses a transaction with a bad signature", "federation", "MUST", "FED-TXN-01"),
			pass("federation/txn/refuses-replay", "refuses a replayed transaction", "federation", "MUST", "FED-TXN-02"),
			{ID: "security/tokens/expire", Name: "refuses an expired token", Profile: "security", Level: "MUST",
				Requirements: []string{"CORE-MSG-03"}, Verdict: results.Skipped, Reason: "the target cannot move the clock", Duration: 0},
		},
	}
}

// Failing is a run of another implementation: core fails one MUST with
// evidence, a SHOULD fails, federation has an expected failure and an
// uncovered MUST, and one case cites an unknown requirement.
func Failing() results.Run {
	run := Passing()
	run.Implementation = results.Implementation{Name: "acme-emsg", Version: "2.3"}
	run.Target = results.Target{Kind: "container", Domains: []string{"a.test", "b.test"},
		Detail: map[string]string{"a.test": "acme/emsg:2.3", "b.test": "acme/emsg:2.3"}}
	run.Cases = []results.Case{
		pass("core/addresses/rejects-bad-addresses", "rejects an address with an @ with bad_address", "core", "MUST", "CORE-ADDR-01"),
		{ID: "core/messaging/stores-before-202", Name: "stores an envelope before answering 202", Profile: "core", Level: "MUST",
			Requirements: []string{"CORE-MSG-01"}, Verdict: results.Fail,
			Reason:   "the envelope was gone after a restart",
			Expected: "GET /emsg/v1/messages lists env-1", Actual: "an empty list",
			Duration: 230, Evidence: evidence()},
		{ID: "core/messaging/delivers-to-stream", Name: "delivers an envelope to the recipient's stream within a second", Profile: "core", Level: "MUST",
			Requirements: []string{"CORE-MSG-02"}, Verdict: results.Pass, Duration: 40},
		{ID: "core/messaging/delivers-fast", Name: "delivers within a second", Profile: "core", Level: "SHOULD",
			Requirements: []string{"CORE-MSG-03"}, Verdict: results.NonStrict, Reason: "took 1.8s",
			Expected: "delivery within 1s", Actual: "1.8s", Duration: 1800},
		{ID: "federation/txn/verifies-signature", Name: "refuses a transaction with a bad signature", Profile: "federation", Level: "MUST",
			Requirements: []string{"FED-TXN-01"}, Verdict: results.ExpectedFailure, Reason: "acme#412: signatures not checked yet", Duration: 12},
		{ID: "robustness/limits/oversize-body", Name: "refuses an oversize body with <too_large> & says so", Profile: "robustness", Level: "MUST",
			Requirements: []string{"CORE-LIMIT-99"}, Verdict: results.Pass, Duration: 8},
	}
	return run
}

func pass(id, name, profile, level string, reqs ...string) results.Case {
	return results.Case{ID: id, Name: name, Profile: profile, Level: level, Requirements: reqs, Verdict: results.Pass, Duration: 10}
}

func evidence() results.Evidence {
	return results.Evidence{
		Wire: []results.WireEntry{
			{At: Started.Add(time.Second), Kind: "http", Summary: "POST https://a.test/emsg/v1/messages → 202",
				Request: `{"to":["bob#a.test"],"body":"<hi>"}`, Response: `{"id":"env-1"}`},
			{At: Started.Add(2 * time.Second), Kind: "http", Summary: "GET https://a.test/emsg/v1/messages → 200",
				Response: `{"messages":[]}`, Violation: "response body: missing property \"next\""},
		},
		ServerLog: "level=INFO msg=\"envelope queued\" id=env-1\nlevel=WARN msg=\"restart\"",
	}
}
