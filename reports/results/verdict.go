package results

// Verdict is the outcome of one case.
type Verdict string

// The verdicts. A failed SHOULD or MAY is [NonStrict], not [Fail]: it
// never blocks certification, but reports show it.
const (
	Pass            Verdict = "pass"
	Fail            Verdict = "fail"
	NonStrict       Verdict = "non-strict"       // a SHOULD or MAY case failed
	Skipped         Verdict = "skipped"          // did not run; Reason says why
	ExpectedFailure Verdict = "expected-failure" // failed, and the expectations file said it would
	UnexpectedPass  Verdict = "unexpected-pass"  // listed as a known failure, but passed: tighten the file
)

// Verdicts lists every verdict, worst first. A skip ranks below every
// passing verdict: a case that did not run shows nothing, so a requirement
// with a passing and a skipped case is not met.
func Verdicts() []Verdict {
	return []Verdict{Fail, ExpectedFailure, NonStrict, Skipped, UnexpectedPass, Pass}
}

// Blocks reports whether v keeps a MUST requirement from counting as met:
// only a pass (or an unexpected pass) meets it.
func (v Verdict) Blocks() bool { return v != Pass && v != UnexpectedPass }

// Known reports whether v is one of the verdicts of [Verdicts]; the reader
// refuses results with any other.
func (v Verdict) Known() bool {
	for _, k := range Verdicts() {
		if v == k {
			return true
		}
	}
	return false
}

// severity ranks v for [Worst]: the position in [Verdicts] counted from the
// best, so a higher number is worse. Unknown verdicts rank worst of all.
func (v Verdict) severity() int {
	all := Verdicts()
	for i, k := range all {
		if v == k {
			return len(all) - i
		}
	}
	return len(all) + 1
}

// Worst returns the worst of vs by the order of [Verdicts] ("" for none):
// the verdict a requirement gets from the cases that cite it.
func Worst(vs ...Verdict) Verdict {
	var worst Verdict
	for _, v := range vs {
		if worst == "" || v.severity() > worst.severity() {
			worst = v
		}
	}
	return worst
}
