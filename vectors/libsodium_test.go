package vectors_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// systemPython is Debian's interpreter, the one python3-nacl installs for
// (a python3 earlier on PATH, such as pyenv's, does not see it).
const systemPython = "/usr/bin/python3"

// TestLibsodium runs check/libsodium_check.py: an independent check of the
// primitive files and of every valid envelope with libsodium. Without
// /usr/bin/python3 or python3-nacl it skips, except under CI=true, where a
// missing check is a failure.
func TestLibsodium(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("skipped with -short")
	}
	if reason := libsodiumMissing(); reason != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and the libsodium check cannot run: %s", reason)
		}
		t.Skipf("libsodium check not run: %s (apt-get install python3-nacl)", reason)
	}
	out, err := exec.Command(systemPython, "check/libsodium_check.py", "data").CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("libsodium check failed: %v", err)
	}
	if !strings.Contains(string(out), " passed, 0 failed") {
		t.Fatalf("libsodium check did not report success")
	}
}

// libsodiumMissing says why the check cannot run, or "" when it can.
func libsodiumMissing() string {
	if _, err := os.Stat(systemPython); err != nil {
		return systemPython + " not found"
	}
	if err := exec.Command(systemPython, "-c", "import nacl.bindings").Run(); err != nil {
		return "python3-nacl is not installed for " + systemPython
	}
	return ""
}
