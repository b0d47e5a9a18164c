package verify

import (
	"fmt"
	"maps"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// Outcome is what the reference library did with one case.
type Outcome struct {
	// Err is the library's failure, nil when it accepted the input.
	Err error
	// Detail is the sub-reason the library reported with Err, in areas that
	// have them (the address reason of a bad_address, such as "empty").
	Detail string
	// Mismatch is a difference between the library's output and the
	// vector's expected output; it is only looked at when Err is nil.
	Mismatch error
}

// Runner runs the reference library on one test of a group. The error
// return means the vector itself cannot be read (a missing or mistyped
// field): the library's own failures belong in [Outcome.Err].
type Runner func(g *vectors.Group, tc *vectors.Test) (Outcome, error)

// Verdict is the judgement of one case.
type Verdict string

// The verdicts of a case.
const (
	// Pass: the library did what the vector says.
	Pass Verdict = "pass"
	// Fail: the library did something else; [Case.Problem] says what.
	Fail Verdict = "fail"
	// Broken: the case could not be judged because its vector is unreadable,
	// its result unknown, or the runner panicked.
	Broken Verdict = "broken"
)

// Case is the judgement of one test of a vector file.
type Case struct {
	File    string
	TcID    int
	Comment string
	Flags   []string
	Result  vectors.Result
	// WantDefect and WantDetail are what the vector states; GotDefect and
	// GotDetail are what the library reported ("" on success).
	WantDefect, GotDefect wire.Defect
	WantDetail, GotDetail string
	Verdict               Verdict
	// Problem is "" on [Pass]; otherwise one sentence, "got X, want Y".
	Problem string
	// Accepted says whether the library accepted the input (returned no
	// error); for an acceptable case it is the library's choice.
	Accepted bool
}

// Report is the judgement of every case of one vector file, in file order.
type Report struct {
	// File is the file's name without ".json", as in [vectors.Files].
	File string
	// Algorithm is the file's header line saying what it tests.
	Algorithm string
	Cases     []Case
}

// Count returns the number of cases with verdict v.
func (r *Report) Count(v Verdict) int {
	n := 0
	for _, c := range r.Cases {
		if c.Verdict == v {
			n++
		}
	}
	return n
}

// runners maps each vector file to the runner that means it.
var runners = map[string]Runner{
	vectors.Address:           runAddress,
	vectors.CanonicalJSON:     runCanonicalJSON,
	vectors.Ed25519:           runEd25519,
	vectors.SealedBox:         runSealedBox,
	vectors.XChaCha20Poly1305: runXChaCha20Poly1305,
	vectors.KeyBundle:         runKeyBundle,
	vectors.Envelope:          runEnvelope,
	vectors.GroupEnvelope:     runEnvelope,
	vectors.FederationSig:     runFederationSignature,
	vectors.SessionTicket:     runSessionTicket,
	vectors.ExportBundle:      runExportBundle,
	vectors.Notices:           runNotices,
}

// Runners returns the runner of each vector file, by name; the map is a
// copy.
func Runners() map[string]Runner { return maps.Clone(runners) }

// File runs the reference library on every case of the vector file name
// ("address" or "address.json").
func File(name string) (*Report, error) { return fileWith(name, runners) }

// All runs every vector file, in the order of [vectors.Files].
func All() ([]*Report, error) {
	var reports []*Report
	for _, name := range vectors.Files() {
		r, err := File(name)
		if err != nil {
			return nil, err
		}
		reports = append(reports, r)
	}
	return reports, nil
}

// fileWith is [File] with the runners given.
func fileWith(name string, rs map[string]Runner) (*Report, error) {
	name = strings.TrimSuffix(name, ".json")
	f, err := vectors.Load(name)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	run, ok := rs[name]
	if !ok {
		return nil, fmt.Errorf("verify %q: no runner for this vector file", name)
	}
	return check(name, f, run), nil
}

// check runs every test of f through run and judges it.
func check(name string, f *vectors.File, run Runner) *Report {
	r := &Report{File: name, Algorithm: f.Algorithm}
	for _, gt := range f.Tests() {
		o, err := protect(run, gt.Group, gt.Test)
		r.Cases = append(r.Cases, judge(name, gt.Test, o, err))
	}
	return r
}

// protect calls run, turning a panic into an error so that one case cannot
// stop the others.
func protect(run Runner, g *vectors.Group, tc *vectors.Test) (o Outcome, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("runner panicked: %v", p)
		}
	}()
	return run(g, tc)
}

// judge compares what the library did with what the test says: a valid
// test succeeds with the expected output; an invalid test fails with
// exactly the stated defect, and the stated detail when there is one; an
// acceptable test succeeds, or fails with the stated defect. runErr is the
// runner's own error: the case is then [Broken].
func judge(file string, tc *vectors.Test, o Outcome, runErr error) Case {
	c := Case{
		File: file, TcID: tc.TcID, Comment: tc.Comment, Flags: tc.Flags, Result: tc.Result,
		WantDefect: tc.Defect, WantDetail: tc.Detail,
	}
	if runErr != nil {
		c.Verdict, c.Problem = Broken, fmt.Sprintf("cannot run the case: %v", runErr)
		return c
	}
	c.GotDefect, c.GotDetail, c.Accepted = wire.DefectOf(o.Err), o.Detail, o.Err == nil
	c.Verdict, c.Problem = Fail, problem(tc, o, c.GotDefect)
	switch {
	case c.Problem == "":
		c.Verdict = Pass
	case !known(tc.Result):
		c.Verdict = Broken
	}
	return c
}

// problem returns the sentence saying how o differs from what tc requires,
// or "" when it does not.
func problem(tc *vectors.Test, o Outcome, got wire.Defect) string {
	switch tc.Result {
	case vectors.Valid:
		if o.Err != nil {
			return fmt.Sprintf("got error %v, want success", o.Err)
		}
		if o.Mismatch != nil {
			return fmt.Sprintf("got different output (%v), want the vector's", o.Mismatch)
		}
	case vectors.Invalid:
		switch {
		case o.Err == nil:
			return fmt.Sprintf("got success, want defect %s", tc.Defect)
		case got != tc.Defect:
			return fmt.Sprintf("got defect %q (%v), want %s", got, o.Err, tc.Defect)
		case tc.Detail != "" && o.Detail != tc.Detail:
			return fmt.Sprintf("got detail %q, want %q", o.Detail, tc.Detail)
		}
	case vectors.Acceptable:
		if o.Err != nil && got != tc.Defect {
			return fmt.Sprintf("got defect %q (%v), want success or defect %s", got, o.Err, tc.Defect)
		}
	default:
		return fmt.Sprintf("got result %q in the vector, want valid, invalid or acceptable", tc.Result)
	}
	return ""
}

// known reports whether r is one of the three results.
func known(r vectors.Result) bool {
	return r == vectors.Valid || r == vectors.Invalid || r == vectors.Acceptable
}
