package loadgen

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/emsg-project/emsg/internal/launch"
)

// requireDockerVar makes a missing Docker engine a failure (CI).
const requireDockerVar = "EMSG_REQUIRE_DOCKER"

// imageVar names an image of the reference to load; without it the test
// builds one with `make image`.
const imageVar = "EMSG_LOAD_TEST_IMAGE"

// TestContainerTarget runs a small scenario, groups and sessions included,
// against the reference image, one container per domain, and checks that
// nothing is lost, that the servers' CPU time and memory come from the
// engine's stats, and that Close removes everything the run created. It
// skips without Docker (and with -short), unless EMSG_REQUIRE_DOCKER=1,
// which makes a missing engine a failure.
func TestContainerTarget(t *testing.T) {
	required := os.Getenv(requireDockerVar) == "1"
	if testing.Short() && !required {
		t.Skip("-short: the container target builds an image and starts containers")
	}
	if err := launch.DockerAvailable(context.Background()); err != nil {
		if required {
			t.Fatalf("Docker is required (%s=1): %v", requireDockerVar, err)
		}
		t.Skipf("no Docker: %v", err)
	}
	image := os.Getenv(imageVar)
	if image == "" {
		image = "emsg-reference:load-test"
		if out, err := exec.Command("make", "-C", "..", "image", "IMAGE="+image).CombinedOutput(); err != nil {
			t.Fatalf("make image: %v\n%s", err, out)
		}
	}
	sc := smallScenario()
	sc.Seed = "containers"
	sc.Domains = []string{"a.test", "b.test"}
	ctx := context.Background()
	tg, err := StartContainers(ctx, []string{image}, sc.Domains)
	if err != nil {
		t.Fatal(err)
	}
	run := tg.(*containerTarget).run
	t.Cleanup(func() { _ = tg.Close() })
	r, err := NewRunner(sc, tg.Resolver(), Options{Target: tg.Name(), Posters: 16, Setup: 8, Verify: true, SetupTimeout: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if l := res.Ledger; !l.Clean() || l.Delivered == 0 || l.Delivered != l.Scheduled || len(res.Errors) != 0 {
		t.Errorf("ledger %+v, errors %v: want every delivery made once, no errors", l, res.Errors)
	}
	if res.Ledgers[string(GroupFanOut)].Delivered == 0 || res.Ledgers[string(Session)].Delivered == 0 {
		t.Errorf("ledgers %+v: want group and session deliveries", res.Ledgers)
	}
	if err := tg.Close(); err != nil {
		t.Fatal(err)
	}
	procs := tg.Processes()
	if len(procs) != len(sc.Domains) {
		t.Fatalf("got %d servers' resource use, want %d", len(procs), len(sc.Domains))
	}
	for _, p := range procs {
		t.Logf("%s: %.2f s CPU, peak %.1f MB", p.Name, p.CPUSeconds, float64(p.MaxRSS)/1e6)
		if p.CPUSeconds <= 0 || p.MaxRSS <= 0 {
			t.Errorf("%s: %+v: want the container's CPU time and peak memory", p.Name, p)
		}
	}
	docker, err := launch.Docker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer docker.Close()
	left, err := docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: make(client.Filters).Add("label", launch.RunLabel+"="+run)})
	if err != nil || len(left.Items) != 0 {
		t.Errorf("after Close: %d containers of the run left (%v)", len(left.Items), err)
	}
}
