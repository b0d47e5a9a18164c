// Package verify runs the reference protocol library against the EMSG/1 test
// vectors and reports, per case, whether it behaved as the vector says.
//
// # Use
//
// [File] runs one vector file ("address", "envelope", ... as in
// [vectors.Files]) and [All] runs every file; each returns a [Report] per
// file holding one [Case] per test, in file order. The project's CLI prints
// these reports, and the package's own tests (go test ./vectors) fail on any
// case that does not pass.
//
// # Runners
//
// A [Runner] says what a test of one file means: which library calls it
// makes with the test's inputs, and what output it compares with the
// expected one. There is one runner per file (see [Runners]), in a source
// file per area: address.go, canonical.go, primitives.go and sealedbox.go,
// keybundle.go, envelope.go, federation.go, session.go, account.go. Valid
// tests are also rebuilt from the seeds and clocks the vector gives (a key
// bundle from its seeds, an envelope with envelope.SealWith, a signature by
// re-signing), so a runner checks output bytes and not only verdicts.
//
// # Judging
//
// A runner returns an [Outcome]: the library's error, the sub-reason it
// reported and any output mismatch. The outcome is judged against the test's
// [vectors.Result]:
//
//   - valid: the library succeeds and its output matches;
//   - invalid: the library fails with exactly the test's [vectors.Test.Defect],
//     and with its [vectors.Test.Detail] when the test states one;
//   - acceptable: the library succeeds, or fails with the stated defect
//     ([Case.Accepted] records which).
//
// The verdict is [Pass] or [Fail], with a "got X, want Y" sentence in
// [Case.Problem] on failure. A case whose vector cannot be read, or whose
// runner panics, is [Broken]: that is a fault of the vector file or of this
// package, never a pass.
package verify
