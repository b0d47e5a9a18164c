// Package diff compares two runs and lists what got worse (regressions)
// and what got better (improvements), so a CI pipeline can gate a release
// on `emsg report diff OLD NEW`, which exits non-zero on a regression.
//
// # What counts
//
// A regression is something a release gate should stop:
//
//   - a case fails now and did not before (including a new case, a case
//     that was skipped, and one the expectations file no longer excuses);
//   - a case passed and now fails as non-strict or as an expected failure
//     (a new entry in the expectations file hides a regression too);
//   - a profile was certified and is not any more.
//
// An improvement is the reverse: a case that failed passes (or only fails
// non-strictly), a non-strict or expected failure passes, a profile is
// newly certified. Other differences (a case skipped, removed, or moved
// between failure kinds) are listed as changes, and never fail the gate.
//
// Documents of other kinds than conformance (load results) are compared by
// the [Differ] registered for their kind; see [Register].
package diff

import (
	"fmt"
	"slices"

	"github.com/emsg-project/emsg/reports/results"
)

// Change is one difference between the old and the new run.
type Change struct {
	// Subject is "case" or "profile"; ID is the case ID or profile name.
	Subject      string
	ID           string
	Name         string // the case's sentence; empty for profiles
	Requirements []string
	Old, New     string // verdict or profile status; "" when absent
	Reason       string // why the new run decided so (the case's reason)
}

// Diff is the comparison of two runs.
type Diff struct {
	Old, New     string // titles of the runs ("name version")
	Regressions  []Change
	Improvements []Change
	Changes      []Change
}

// Regressed reports whether the new run has any regression.
func (d Diff) Regressed() bool { return len(d.Regressions) > 0 }

// Compare compares two analysed runs, case by case (matched on case ID)
// and profile by profile.
func Compare(old, new results.Analysis) Diff {
	d := Diff{Old: old.Title(), New: new.Title()}
	compareCases(&d, old.Run.Cases, new.Run.Cases)
	compareProfiles(&d, old, new)
	return d
}

func compareCases(d *Diff, old, new []results.Case) {
	before := make(map[string]results.Case, len(old))
	for _, c := range old {
		before[c.ID] = c
	}
	for _, c := range new {
		o, had := before[c.ID]
		delete(before, c.ID)
		if had && o.Verdict == c.Verdict {
			continue
		}
		ch := Change{Subject: "case", ID: c.ID, Name: c.Name, Requirements: c.Requirements,
			Old: string(o.Verdict), New: string(c.Verdict), Reason: c.Reason}
		d.add(classify(o.Verdict, c.Verdict), ch)
	}
	for _, c := range old { // removed cases, in old order
		if _, gone := before[c.ID]; gone {
			d.Changes = append(d.Changes, Change{Subject: "case", ID: c.ID, Name: c.Name,
				Requirements: c.Requirements, Old: string(c.Verdict)})
		}
	}
}

// direction is how a difference counts.
type direction int

const (
	changed direction = iota
	regression
	improvement
)

func (d *Diff) add(dir direction, ch Change) {
	switch dir {
	case regression:
		d.Regressions = append(d.Regressions, ch)
	case improvement:
		d.Improvements = append(d.Improvements, ch)
	default:
		d.Changes = append(d.Changes, ch)
	}
}

// classify says how a case moving from verdict old ("" when the case is
// new) to new counts; see the package comment.
func classify(old, new results.Verdict) direction {
	passing := func(v results.Verdict) bool { return v == results.Pass || v == results.UnexpectedPass }
	switch {
	case new == results.Fail:
		return regression
	case passing(old) && (new == results.NonStrict || new == results.ExpectedFailure):
		return regression
	case old == results.Fail && (passing(new) || new == results.NonStrict):
		return improvement
	case (old == results.NonStrict || old == results.ExpectedFailure) && passing(new):
		return improvement
	}
	return changed
}

func compareProfiles(d *Diff, old, new results.Analysis) {
	for _, np := range new.Profiles {
		op, had := old.Profile(np.Profile)
		if !had || op.Certified == np.Certified {
			continue
		}
		ch := Change{Subject: "profile", ID: np.Profile, Old: op.Status(), New: np.Status(),
			Reason: fmt.Sprintf("MUSTs met %d/%d → %d/%d", op.MustsMet, op.Musts, np.MustsMet, np.Musts)}
		if np.Certified {
			d.Improvements = append(d.Improvements, ch)
		} else {
			d.Regressions = append(d.Regressions, ch)
		}
	}
	for _, op := range old.Profiles {
		if _, still := new.Profile(op.Profile); !still && op.Certified {
			d.Regressions = append(d.Regressions, Change{Subject: "profile", ID: op.Profile,
				Old: op.Status(), New: "not run", Reason: "the new run did not check this profile"})
		}
	}
	slices.SortStableFunc(d.Regressions, bySubject)
	slices.SortStableFunc(d.Improvements, bySubject)
}

// bySubject puts profile changes before case changes.
func bySubject(a, b Change) int {
	rank := func(c Change) int {
		if c.Subject == "profile" {
			return 0
		}
		return 1
	}
	return rank(a) - rank(b)
}
