package spec

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// fastPatterns are the patterns of every compiled schema that are matched
// without the regexp engine.
func fastPatterns(t testing.TB) []*fastRegexp {
	t.Helper()
	set, _ := fastNames(t)
	seen := map[*fschema]bool{}
	found := map[string]*fastRegexp{}
	var walk func(s *fschema)
	walk = func(s *fschema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		for _, p := range s.patterns {
			if p.seq != nil || p.b64 {
				found[p.re.String()] = p
			}
		}
		for _, sub := range s.props {
			walk(sub)
		}
		for _, sub := range s.dependents {
			walk(sub)
		}
		for _, l := range [][]*fschema{s.allOf, s.anyOf, {s.addl, s.propNames, s.items, s.contains, s.not, s.ifS, s.thenS, s.elseS, s.ref}} {
			for _, sub := range l {
				walk(sub)
			}
		}
	}
	for _, s := range set.fast {
		walk(s)
	}
	out := make([]*fastRegexp, 0, len(found))
	for _, p := range found {
		out = append(out, p)
	}
	return out
}

// The ULID, key, signature, nonce, wrapped key, txn id and key id
// patterns, and base64url, are matched without the engine; each matcher
// says what the regexp of its pattern says on strings near the pattern
// (built from its own classes, with a character from elsewhere here and
// there, at and around its lengths).
func TestFastPatternsAgreeWithRegexp(t *testing.T) {
	ps := fastPatterns(t)
	if len(ps) < 8 {
		t.Fatalf("only %d patterns matched without the engine", len(ps))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	others := []string{"=", "+", "/", ".", " ", "\n", "#", "é", "\x80", "\x00", "~", "I", "l", "O", "U"}
	for _, p := range ps {
		matched := 0
		for range 20000 {
			b := nearString(rng, p, others)
			got, want := p.matchBytes(b), p.re.Match(b)
			if got != want {
				t.Fatalf("%s on %q: %v, the regexp %v", p.re, b, got, want)
			}
			if want {
				matched++
			}
		}
		if matched < 1000 {
			t.Errorf("%s: only %d of 20000 strings matched: the test does not reach the matches", p.re, matched)
		}
	}
}

// nearString is a string close to matching p.
func nearString(rng *rand.Rand, p *fastRegexp, others []string) []byte {
	var sets []byteSet
	if p.b64 {
		n := rng.IntN(12)
		for range n {
			sets = append(sets, b64Alphabet)
		}
		switch rng.IntN(3) {
		case 1:
			sets = append(sets, b64Alphabet, b64Last2)
		case 2:
			sets = append(sets, b64Alphabet, b64Alphabet, b64Last3)
		}
	} else {
		for k, st := range p.seq.steps {
			n := st.min
			if k == p.seq.varying {
				n = st.min + rng.IntN(st.max-st.min+1)
			}
			for range n {
				sets = append(sets, st.set)
			}
		}
	}
	switch rng.IntN(8) { // sometimes one character more or less
	case 0:
		if len(sets) > 0 {
			sets = sets[:len(sets)-1]
		}
	case 1:
		if len(sets) > 0 {
			sets = append(sets, sets[rng.IntN(len(sets))])
		}
	}
	var b []byte
	for _, s := range sets {
		if rng.IntN(40) == 0 {
			b = append(b, others[rng.IntN(len(others))]...)
			continue
		}
		b = append(b, pick(rng, s))
	}
	return b
}

// pick is a random member of s.
func pick(rng *rand.Rand, s byteSet) byte {
	for {
		if c := byte(rng.IntN(128)); s.has(c) {
			return c
		}
	}
}

// FuzzFastPatterns: on any bytes, every engine-free matcher agrees with
// its regexp.
func FuzzFastPatterns(f *testing.F) {
	f.Add([]byte("01ARZ3NDEKTSV4RRFFQ69G5FAV"))
	f.Add([]byte("AAAA"))
	f.Add([]byte("ed25519:k1"))
	ps := fastPatterns(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, p := range ps {
			if got, want := p.matchBytes(b), p.re.Match(b); got != want {
				t.Fatalf("%s on %q: %v, the regexp %v", p.re, b, got, want)
			}
		}
	})
}

// Compile-time check: the patterns are Go regexps.
var _ = regexp.MustCompile
