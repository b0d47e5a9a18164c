package enginebench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

// The test binary doubles as the crash child: with EMSG_CRASH_CHILD set to
// "<engine> <dir>" it runs [RunCrashChild] instead of the tests.
const crashChildEnv = "EMSG_CRASH_CHILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(crashChildEnv); spec != "" {
		os.Exit(crashChildMain(spec))
	}
	os.Exit(m.Run())
}

func crashChildMain(spec string) int {
	var name, dir string
	if _, err := fmt.Sscan(spec, &name, &dir); err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		return 2
	}
	e, ok := EngineByName(name)
	if !ok {
		fmt.Fprintln(os.Stderr, "crash child: unknown engine", name)
		return 2
	}
	s, err := e.Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		return 1
	}
	if err := RunCrashChild(context.Background(), s, os.Stdout, 16); err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		return 1
	}
	return 0
}

// TestKill9 kills a child mid-stream and checks that every delivery it
// acknowledged survived exactly once.
func TestKill9(t *testing.T) {
	for _, e := range Engines() {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			child := exec.Command(os.Args[0], "-test.run=^$")
			child.Env = append(os.Environ(), crashChildEnv+"="+e.Name+" "+dir)
			child.Stderr = os.Stderr
			rep, err := CrashRun(context.Background(), child, e, dir, 700*time.Millisecond)
			if err != nil {
				t.Fatalf("crash run: %v", err)
			}
			if !rep.OK() {
				t.Errorf("after kill -9: %+v", rep)
			}
			t.Logf("%+v", rep)
		})
	}
}
