package diff

import (
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/emsg-project/emsg/reports/results"
)

// Differ compares two results documents of one kind (their raw JSON),
// writes the comparison to w in format f, and reports whether the new one
// regressed. Each kind of results registers one with [Register]:
// conformance here, load results from package loadgen.
type Differ func(w io.Writer, old, new []byte, f Format) (regressed bool, err error)

var (
	mu      sync.RWMutex
	differs = map[string]Differ{results.KindConformance: conformance}
)

// Register makes d the differ of results documents whose "kind" is kind,
// replacing any before. Call it from an init function.
func Register(kind string, d Differ) {
	mu.Lock()
	defer mu.Unlock()
	differs[kind] = d
}

// Kinds lists the kinds a differ is registered for, sorted.
func Kinds() []string {
	mu.RLock()
	defer mu.RUnlock()
	var out []string
	for k := range differs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Documents compares two results documents of any registered kind: it
// reads their "kind" fields, checks they agree and dispatches to the
// kind's [Differ].
func Documents(w io.Writer, old, new []byte, f Format) (regressed bool, err error) {
	oh, err := results.PeekHeader(old)
	if err != nil {
		return false, fmt.Errorf("old results: %w", err)
	}
	nh, err := results.PeekHeader(new)
	if err != nil {
		return false, fmt.Errorf("new results: %w", err)
	}
	if oh.Kind != nh.Kind {
		return false, fmt.Errorf("cannot compare a %q result with a %q result", oh.Kind, nh.Kind)
	}
	mu.RLock()
	d, ok := differs[oh.Kind]
	mu.RUnlock()
	if !ok {
		return false, fmt.Errorf("no diff for results of kind %q (this build knows %v)", oh.Kind, Kinds())
	}
	return d(w, old, new, f)
}

// conformance is the [Differ] of conformance runs, against the embedded
// requirements catalogue.
func conformance(w io.Writer, old, new []byte, f Format) (bool, error) {
	o, err := results.Decode(old)
	if err != nil {
		return false, fmt.Errorf("old run: %w", err)
	}
	n, err := results.Decode(new)
	if err != nil {
		return false, fmt.Errorf("new run: %w", err)
	}
	d := Compare(results.Analyze(o), results.Analyze(n))
	return d.Regressed(), Write(w, d, f)
}
