package verify

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// outcomeRunner returns a runner that ignores its test and reports o.
func outcomeRunner(o Outcome) Runner {
	return func(*vectors.Group, *vectors.Test) (Outcome, error) { return o, nil }
}

// judgeOne runs a one-test file through run and returns the judged case.
func judgeOne(t *testing.T, tc *vectors.Test, run Runner) Case {
	t.Helper()
	f := &vectors.File{Algorithm: "synthetic", TestGroups: []*vectors.Group{{Type: "Synthetic", Tests: []*vectors.Test{tc}}}}
	r := check("synthetic", f, run)
	if len(r.Cases) != 1 {
		t.Fatalf("got %d cases, want 1", len(r.Cases))
	}
	return r.Cases[0]
}

// TestJudge feeds well-behaved and misbehaving runners to the judging and
// checks each verdict and problem sentence.
func TestJudge(t *testing.T) {
	valid := &vectors.Test{TcID: 1, Comment: "ok", Result: vectors.Valid}
	invalid := &vectors.Test{TcID: 2, Comment: "no #", Result: vectors.Invalid, Defect: wire.BadAddress, Detail: "no_separator"}
	invalidNoDetail := &vectors.Test{TcID: 3, Comment: "bad sig", Result: vectors.Invalid, Defect: wire.BadSignature}
	acceptable := &vectors.Test{TcID: 4, Comment: "small order", Flags: []string{"SmallOrderR"}, Result: vectors.Acceptable, Defect: wire.BadSignature}
	unknown := &vectors.Test{TcID: 5, Comment: "typo", Result: "vaild"}

	badAddress := wire.Errorf(wire.BadAddress, "", "no #")
	malformed := wire.Errorf(wire.Malformed, "to", "missing")
	badSig := wire.Errorf(wire.BadSignature, "sig", "does not verify")
	tests := []struct {
		comment      string
		tc           *vectors.Test
		run          Runner
		verdict      Verdict
		problem      string
		gotDefect    wire.Defect
		gotDetail    string
		wantAccepted bool
	}{
		// happy path: a valid case the library accepts with the expected output
		{"valid accepted", valid, outcomeRunner(Outcome{}), Pass, "", "", "", true},
		// an invalid case rejected with the stated defect and detail
		{"invalid rejected right", invalid, outcomeRunner(Outcome{Err: badAddress, Detail: "no_separator"}), Pass, "", wire.BadAddress, "no_separator", false},
		// a vector without a detail does not constrain the library's detail
		{"no detail stated", invalidNoDetail, outcomeRunner(Outcome{Err: badSig, Detail: "whatever"}), Pass, "", wire.BadSignature, "whatever", false},
		// an output mismatch is not looked at once the library has failed
		{"mismatch ignored on failure", invalidNoDetail, outcomeRunner(Outcome{Err: badSig, Mismatch: errors.New("x")}), Pass, "", wire.BadSignature, "", false},
		// an acceptable case the library accepts
		{"acceptable accepted", acceptable, outcomeRunner(Outcome{}), Pass, "", "", "", true},
		// an acceptable case the library rejects with the stated defect
		{"acceptable rejected right", acceptable, outcomeRunner(Outcome{Err: badSig}), Pass, "", wire.BadSignature, "", false},

		// sad path: a valid case the library rejects
		{"valid rejected", valid, outcomeRunner(Outcome{Err: malformed}), Fail,
			"got error malformed: to: missing, want success", wire.Malformed, "", false},
		// a valid case accepted with different output
		{"valid with mismatch", valid, outcomeRunner(Outcome{Mismatch: errors.New(`canonical form: got "a", want "b"`)}), Fail,
			`got different output (canonical form: got "a", want "b"), want the vector's`, "", "", true},
		// an invalid case the library accepts
		{"invalid accepted", invalid, outcomeRunner(Outcome{}), Fail,
			"got success, want defect bad_address", "", "", true},
		// an invalid case rejected for another reason
		{"wrong defect", invalid, outcomeRunner(Outcome{Err: malformed, Detail: "no_separator"}), Fail,
			`got defect "malformed" (malformed: to: missing), want bad_address`, wire.Malformed, "no_separator", false},
		// an invalid case rejected with an error that carries no defect
		{"untyped error", invalidNoDetail, outcomeRunner(Outcome{Err: errors.New("boom")}), Fail,
			`got defect "" (boom), want bad_signature`, "", "", false},
		// the right defect with the wrong detail
		{"wrong detail", invalid, outcomeRunner(Outcome{Err: badAddress, Detail: "empty"}), Fail,
			`got detail "empty", want "no_separator"`, wire.BadAddress, "empty", false},
		// the right defect with no detail at all
		{"missing detail", invalid, outcomeRunner(Outcome{Err: badAddress}), Fail,
			`got detail "", want "no_separator"`, wire.BadAddress, "", false},
		// an acceptable case rejected with another defect
		{"acceptable rejected wrong", acceptable, outcomeRunner(Outcome{Err: malformed}), Fail,
			`got defect "malformed" (malformed: to: missing), want success or defect bad_signature`, wire.Malformed, "", false},

		// broken: the runner cannot read the vector
		{"unreadable vector", valid, func(*vectors.Group, *vectors.Test) (Outcome, error) {
			return Outcome{}, errors.New(`test has no field "input"`)
		}, Broken, `cannot run the case: test has no field "input"`, "", "", false},
		// the runner panics: the case is broken, the run goes on
		{"runner panics", valid, func(*vectors.Group, *vectors.Test) (Outcome, error) {
			panic("index out of range")
		}, Broken, "cannot run the case: runner panicked: index out of range", "", "", false},
		// a result the format does not define, whatever the library did
		{"unknown result", unknown, outcomeRunner(Outcome{}), Broken,
			`got result "vaild" in the vector, want valid, invalid or acceptable`, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.comment, func(t *testing.T) {
			c := judgeOne(t, tt.tc, tt.run)
			if c.Verdict != tt.verdict || c.Problem != tt.problem {
				t.Errorf("got %s %q, want %s %q", c.Verdict, c.Problem, tt.verdict, tt.problem)
			}
			if c.GotDefect != tt.gotDefect || c.GotDetail != tt.gotDetail || c.Accepted != tt.wantAccepted {
				t.Errorf("got defect %q detail %q accepted %v, want %q %q %v", c.GotDefect, c.GotDetail, c.Accepted, tt.gotDefect, tt.gotDetail, tt.wantAccepted)
			}
			if c.TcID != tt.tc.TcID || c.Comment != tt.tc.Comment || c.Result != tt.tc.Result ||
				c.WantDefect != tt.tc.Defect || c.WantDetail != tt.tc.Detail || !slices.Equal(c.Flags, tt.tc.Flags) {
				t.Errorf("case %+v does not repeat the test %+v", c, tt.tc)
			}
		})
	}
}

// TestAcceptAllRunnerFails runs address.json through a runner that accepts
// everything: every invalid case must fail and every valid one pass.
func TestAcceptAllRunnerFails(t *testing.T) {
	f, err := vectors.Load(vectors.Address)
	if err != nil {
		t.Fatal(err)
	}
	r := check(vectors.Address, f, outcomeRunner(Outcome{}))
	var valid, invalid int
	for _, gt := range f.Tests() {
		if gt.Test.Result == vectors.Invalid {
			invalid++
		} else {
			valid++
		}
	}
	if invalid == 0 || r.Count(Fail) != invalid || r.Count(Pass) != valid || r.Count(Broken) != 0 {
		t.Errorf("got %d fail, %d pass, %d broken; want %d, %d, 0", r.Count(Fail), r.Count(Pass), r.Count(Broken), invalid, valid)
	}
}

// TestFileNames checks how [File] finds a file and its runner.
func TestFileNames(t *testing.T) {
	tests := []struct {
		comment string
		name    string
		runners map[string]Runner
		wantErr string // "" for success
	}{
		// happy path: the name as in vectors.Files
		{"bare name", "address", runners, ""},
		// the file name with its suffix
		{"with .json", "address.json", runners, ""},
		// sad path: no such vector file
		{"unknown file", "nope", runners, `load vectors "nope"`},
		// a file that exists but has no runner
		{"no runner", "address", map[string]Runner{}, `verify "address": no runner for this vector file`},
	}
	for _, tt := range tests {
		t.Run(tt.comment, func(t *testing.T) {
			r, err := fileWith(tt.name, tt.runners)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.File != "address" || r.Algorithm == "" || len(r.Cases) == 0 {
				t.Errorf("got report %q %q with %d cases, want address with its algorithm and cases", r.File, r.Algorithm, len(r.Cases))
			}
		})
	}
}

// TestAll checks that [All] covers every vector file in order, with every
// case judged, and that the reference library passes them all.
func TestAll(t *testing.T) {
	reports, err := All()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range reports {
		names = append(names, r.File)
		f, err := vectors.Load(r.File)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Cases) != f.NumberOfTests {
			t.Errorf("%s: %d cases judged, want %d", r.File, len(r.Cases), f.NumberOfTests)
		}
		for _, c := range r.Cases {
			if c.Verdict != Pass {
				t.Errorf("%s tcId %d (%s): %s", r.File, c.TcID, c.Verdict, c.Problem)
			}
		}
	}
	if !slices.Equal(names, vectors.Files()) {
		t.Errorf("got reports for %v, want %v", names, vectors.Files())
	}
}

// TestRunners checks that every vector file has a runner, and that the map
// returned is the caller's to change.
func TestRunners(t *testing.T) {
	rs := Runners()
	if got, want := slices.Sorted(maps.Keys(rs)), vectors.Files(); !slices.Equal(got, want) {
		t.Errorf("runners for %v, want %v", got, want)
	}
	delete(rs, vectors.Address)
	if _, ok := Runners()[vectors.Address]; !ok {
		t.Error("deleting from the returned map removed a runner")
	}
}
