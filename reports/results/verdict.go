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

// Verdicts lists every verdict, worst first.
func Verdicts() []Verdict {
	return []Verdict{Fail, ExpectedFailure, NonStrict, UnexpectedPass, Skipped, Pass}
}

// Blocks reports whether v keeps a MUST requirement from counting as met:
// only a pass (or an unexpected pass) meets it.
func (v Verdict) Blocks() bool { return v != Pass && v != UnexpectedPass }
