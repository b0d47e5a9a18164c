package suites

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/emsg-project/emsg/spec"
)

// Suite is the suite a spec belongs to: a certifiable profile of the
// catalogue (core, federation, ...) or one of the cross-cutting suites
// (robustness, security), whose specs cite requirements of the profiles.
type Suite string

// The suites written so far.
const (
	Core       Suite = "core"
	Federation Suite = "federation"
	Robustness Suite = "robustness"
	Security   Suite = "security"
)

// Suites lists them in report order.
func Suites() []Suite {
	return []Suite{Core, Federation, Groups, Sessions, Retention, Migration, Robustness, Security}
}

// ProfilesWithSuites are the catalogue profiles whose MUSTs the suites
// set out to cover; the coverage check holds them to it. Profiles not
// listed have no suite yet and are reported as not covered.
func ProfilesWithSuites() []spec.Profile {
	return []spec.Profile{spec.Core, spec.Federation, spec.Groups, spec.Sessions, spec.Retention, spec.Migration}
}

// defaultSpecTimeout bounds one spec, before the timeout multiplier.
const defaultSpecTimeout = 30 * time.Second

// Slow marks a case that waits on a timer by design (a ttl, a
// retry_after, a retry backoff, the session ack wait): a parallel run
// starts it, with the rest of its Describe, before the others, so that no
// process is left running it alone at the end.
var Slow = SpecPriority(1)

// Case is what the wrapper records about one spec: the catalogue of
// cases (`emsg conform --list`) and the coverage check read it.
type Case struct {
	ID           string
	Suite        Suite
	Text         string // the full sentence, containers included
	Level        spec.Level
	Requirements []string
	Unknown      []string // cited IDs the catalogue does not have
}

var (
	casesMu sync.Mutex
	cases   []Case
)

// Cases returns the cases registered so far (all of them once Ginkgo has
// built its tree).
func Cases() []Case {
	casesMu.Lock()
	defer casesMu.Unlock()
	return slices.Clone(cases)
}

// Requirements is a list of requirement IDs a spec cites.
type Requirements []string

// Reqs names the requirement IDs a spec checks.
func Reqs(ids ...string) Requirements { return ids }

// Conformance declares one spec: suite s, a sentence, the requirements it
// checks and its body. It is Ginkgo's It with labels (the suite, the
// level, each ID), a SpecTimeout, a fresh [World] and the violation
// check. Call it inside a Describe.
func Conformance(s Suite, text string, ids Requirements, body func(ctx SpecContext, w *World), decorators ...any) bool {
	level, unknown := strongest(ids)
	labels := Label(append([]string{string(s), string(level)}, ids...)...)
	record(s, text, level, ids, unknown)
	args := append([]any{labels, SpecTimeout(scale(defaultSpecTimeout))}, decorators...)
	args = append(args, func(ctx SpecContext) {
		if len(unknown) > 0 {
			Fail(fmt.Sprintf("the spec cites requirements the catalogue does not have: %s", strings.Join(unknown, ", ")))
		}
		w := newWorld(ids)
		defer w.finish()
		body(ctx, w)
	})
	return It(text, args...)
}

// record adds a case to the registry, with its full text (containers).
func record(s Suite, text string, level spec.Level, ids, unknown []string) {
	full := text
	if texts := CurrentTreeConstructionNodeReport().ContainerHierarchyTexts; len(texts) > 0 {
		full = strings.Join(append(slices.Clone(texts), text), " ")
	}
	casesMu.Lock()
	defer casesMu.Unlock()
	cases = append(cases, Case{ID: CaseID(string(s), full), Suite: s, Text: full, Level: level, Requirements: ids, Unknown: unknown})
}

// strongest returns the strongest level among ids and the IDs unknown
// to the catalogue.
func strongest(ids []string) (spec.Level, []string) {
	level := spec.May
	var unknown []string
	for _, id := range ids {
		r, ok := spec.RequirementByID(id)
		if !ok {
			unknown = append(unknown, id)
			continue
		}
		if rank(r.Level) < rank(level) {
			level = r.Level
		}
	}
	if len(ids) == 0 {
		level = spec.Must
	}
	return level, unknown
}

func rank(l spec.Level) int { return slices.Index(spec.Levels(), l) }

var slugRun = regexp.MustCompile(`[^a-z0-9]+`)

// CaseID is the stable id of a case: its suite and a slug of its full
// text ("core/login-revokes-a-token-on-logout").
func CaseID(suite, fullText string) string {
	return suite + "/" + strings.Trim(slugRun.ReplaceAllString(strings.ToLower(fullText), "-"), "-")
}
