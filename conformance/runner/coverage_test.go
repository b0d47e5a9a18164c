package runner

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/conformance/suites"
)

// uncoveredFile lists, one ID per line with the reason after a "#", the
// MUSTs of the profiles with suites that no case cites yet: the suites'
// honest debt. The coverage check fails when a MUST is neither cited nor
// listed, and when a listed one is cited (delete its line).
const uncoveredFile = "testdata/uncovered.txt"

// checkCoverage is called by TestSuites after the run, when Ginkgo has
// built its tree and every case is registered.
func checkCoverage(t *testing.T) {
	t.Helper()
	cov := CoverageOf(suites.Cases())
	if len(cov.Unknown) > 0 {
		t.Errorf("cases cite requirements the catalogue does not have: %v", cov.Unknown)
	}
	listed := readUncovered(t)
	for _, p := range cov.Profiles {
		if !p.HasSuites {
			t.Logf("%-10s %3d MUSTs: no suite yet, not covered", p.Profile, p.Musts)
			continue
		}
		t.Logf("%-10s %3d/%d MUSTs cited", p.Profile, p.Cited, p.Musts)
		for _, id := range p.Uncovered {
			if !slices.Contains(listed, id) {
				t.Errorf("%s (%s, MUST) is cited by no case: write one, or list it in %s with the reason", id, p.Profile, uncoveredFile)
			}
		}
		for _, id := range listed {
			if strings.HasPrefix(id, "") && !slices.Contains(p.Uncovered, id) && profileOf(id) == string(p.Profile) {
				t.Errorf("%s is listed in %s but a case cites it now: delete its line", id, uncoveredFile)
			}
		}
	}
}

// readUncovered reads the IDs of uncoveredFile.
func readUncovered(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(uncoveredFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if id := strings.TrimSpace(line); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}
