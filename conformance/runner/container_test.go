package runner

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/conformance/harness"
	"github.com/emsg-project/emsg/reports/results"
)

// requireDockerVar makes a missing Docker engine a failure (CI).
const requireDockerVar = "EMSG_REQUIRE_DOCKER"

// imageVar names an image of the reference to check; without it the test
// builds one with `make image` (about a minute), only under
// EMSG_REQUIRE_DOCKER=1.
const imageVar = "EMSG_CONFORM_TEST_IMAGE"

// TestContainerTarget runs the suites against the reference image, one
// container per domain, including the specs that stop, restart and cut
// off a domain and those with the fake peers (on the run network's
// gateway), in two processes (each with its own containers). It
// skips without Docker (and without an image, unless
// EMSG_REQUIRE_DOCKER=1, which builds one and makes a missing engine a
// failure).
func TestContainerTarget(t *testing.T) {
	if os.Getenv(breakEnv) != "" || os.Getenv(outEnv) != "" {
		t.Skip("inside a subprocess run")
	}
	required := os.Getenv(requireDockerVar) == "1"
	image := os.Getenv(imageVar)
	if image == "" && !required {
		t.Skipf("set %s to an image of the reference (make image), or %s=1 to build one", imageVar, requireDockerVar)
	}
	if err := harness.DockerAvailable(context.Background()); err != nil {
		if required {
			t.Fatalf("Docker is required (%s=1): %v", requireDockerVar, err)
		}
		t.Skipf("no Docker: %v", err)
	}
	if image == "" {
		image = "emsg-reference:conformance-test"
		if out, err := exec.Command("make", "-C", "../..", "image", "IMAGE="+image).CombinedOutput(); err != nil {
			t.Fatalf("make image: %v\n%s", err, out)
		}
	}
	run := runSubprocess(t, "", map[string]string{"EMSG_CONFORM_TARGET": "container", "EMSG_CONFORM_IMAGES": image,
		expectationsVar: "../expectations/reference-container.yaml", procsEnv: "2"})
	passed := 0
	for _, c := range run.Cases {
		switch c.Verdict {
		case results.Fail, results.UnexpectedPass:
			t.Errorf("%s: %s: %s", c.ID, c.Verdict, c.Reason)
		case results.Pass:
			passed++
		case results.Skipped:
			if required && strings.Contains(c.Reason, "fake federation peer") {
				t.Errorf("%s skipped: %s (fake peers: %s; the engine must run in this host's network namespace, conformance/README.md)",
					c.ID, c.Reason, run.Target.Detail["fake peers"])
			}
		}
	}
	t.Logf("%d of %d cases passed against %s in containers (fake peers: %s)", passed, len(run.Cases), image, run.Target.Detail["fake peers"])
}
