package vectors_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/emsg-project/emsg/vectors"
)

// allFiles is every vector file the project promises, by name.
var allFiles = []string{
	vectors.Address, vectors.CanonicalJSON, vectors.Ed25519, vectors.SealedBox,
	vectors.XChaCha20Poly1305, vectors.KeyBundle, vectors.Envelope, vectors.GroupEnvelope,
	vectors.FederationSig, vectors.SessionTicket, vectors.ExportBundle, vectors.Notices,
}

// TestFilesPresent checks that every promised file is embedded and loads.
func TestFilesPresent(t *testing.T) {
	have := vectors.Files()
	for _, name := range allFiles {
		if !slices.Contains(have, name) {
			t.Errorf("data/%s.json is missing (run make vectors)", name)
			continue
		}
		f, err := vectors.Load(name)
		if err != nil {
			t.Error(err)
			continue
		}
		if f.Area != name {
			t.Errorf("%s.json: area %q, want %q", name, f.Area, name)
		}
	}
}

// TestCounts checks the size and shape of the suite: at least 300 tests, at
// least 40% invalid, tcIds 1..n in each file, numberOfTests right, every
// invalid test with one defect from the closed list, every flag explained.
func TestCounts(t *testing.T) {
	var total, invalid int
	for _, name := range vectors.Files() {
		f, err := vectors.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		var v, inv, acc int
		for i, gt := range f.Tests() {
			tc := gt.Test
			if tc.TcID != i+1 {
				t.Errorf("%s: test %d has tcId %d, want %d", name, i+1, tc.TcID, i+1)
			}
			for _, fl := range tc.Flags {
				if _, ok := f.Notes[fl]; !ok {
					t.Errorf("%s tcId %d: flag %q has no note", name, tc.TcID, fl)
				}
			}
			switch tc.Result {
			case vectors.Valid:
				v++
			case vectors.Invalid:
				inv++
				if !slices.Contains(vectors.Defects, tc.Defect) {
					t.Errorf("%s tcId %d: defect %q is not in the closed list", name, tc.TcID, tc.Defect)
				}
			case vectors.Acceptable:
				acc++
			}
		}
		if f.NumberOfTests != v+inv+acc {
			t.Errorf("%s: numberOfTests %d, counted %d", name, f.NumberOfTests, v+inv+acc)
		}
		t.Logf("%-22s total %3d  valid %3d  invalid %3d  acceptable %d", name, v+inv+acc, v, inv, acc)
		total += v + inv + acc
		invalid += inv
	}
	t.Logf("%-22s total %3d  invalid %3d (%.0f%%)", "all", total, invalid, 100*float64(invalid)/float64(max(total, 1)))
	if total < 300 {
		t.Errorf("%d tests in all, want at least 300", total)
	}
	if 10*invalid < 4*total {
		t.Errorf("%d of %d tests invalid, want at least 40%%", invalid, total)
	}
}

// TestRegenerate runs the generator into a temporary directory and requires
// byte-identical files: the committed vectors are exactly what the
// generator writes.
func TestRegenerate(t *testing.T) {
	if testing.Short() {
		t.Skip("regeneration builds and runs the generator; skipped with -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	dir := t.TempDir()
	cmd := exec.Command(goTool, "run", "./internal/gen", "-out", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generator failed: %v\n%s", err, out)
	}
	fresh, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh) != len(vectors.Files()) {
		t.Errorf("generator wrote %d files, data/ holds %d: run make vectors", len(fresh), len(vectors.Files()))
	}
	for _, p := range fresh {
		name := filepath.Base(p)
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("data", name))
		if err != nil {
			t.Errorf("data/%s: %v (run make vectors)", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("data/%s differs from a fresh generation: run make vectors", name)
		}
	}
}
