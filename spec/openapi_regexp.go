package spec

import (
	"regexp"
	"sync"
	"sync/atomic"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Patterns are the slowest part of validation: the address pattern of
// defs.json, with its bounded repetitions, takes about 4 µs per match with
// Go's regexp, and a conformance run matches the same few addresses
// thousands of times (alice#a.test in every envelope, key chain and
// contact list). The validator's compilers therefore remember, per
// pattern, the answers for short texts.

const (
	memoMaxText    = 320  // the longest text remembered; an address is at most 318 characters
	memoMaxEntries = 1024 // texts remembered per pattern; later ones are matched afresh
)

// memoRegexpEngine compiles patterns with Go's regexp, as the compiler's
// default engine does, wrapped in a [memoRegexp].
func memoRegexpEngine(pattern string) (jsonschema.Regexp, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	return &memoRegexp{Regexp: re}, nil
}

// memoRegexp is a compiled pattern that remembers whether it matched each
// of the first [memoMaxEntries] distinct short texts it saw. A pattern's
// answer depends on the text alone, so a remembered answer is the answer.
// It is safe for concurrent use.
type memoRegexp struct {
	*regexp.Regexp
	memo sync.Map // text → bool
	size atomic.Int64
}

// MatchString reports whether s contains a match of the pattern.
func (m *memoRegexp) MatchString(s string) bool {
	if len(s) > memoMaxText {
		return m.Regexp.MatchString(s)
	}
	if v, ok := m.memo.Load(s); ok {
		return v.(bool)
	}
	matched := m.Regexp.MatchString(s)
	// Concurrent callers may overshoot the bound by a few entries.
	if m.size.Load() < memoMaxEntries {
		if _, loaded := m.memo.LoadOrStore(s, matched); !loaded {
			m.size.Add(1)
		}
	}
	return matched
}
