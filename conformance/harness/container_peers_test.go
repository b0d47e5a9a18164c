package harness_test

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/conformance/fakepeer"
	"github.com/emsg-project/emsg/conformance/harness"
	"github.com/emsg-project/emsg/conformance/probe"
)

// TestContainerPeers checks, against the reference image, that the
// containers reach the fake peers on the run network's gateway (through
// any firewall of this machine), that a cut off container reaches them no
// more (though the default bridge it keeps would lead to the gateway) and
// again once restored, and that two deployments (two processes of a
// parallel run) have peers of their own. It needs Docker and an image:
// EMSG_CONFORM_TEST_IMAGE, or EMSG_REQUIRE_DOCKER=1 to build one.
func TestContainerPeers(t *testing.T) {
	image := testImage(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	first, peer := startWithPeer(ctx, t, image)
	second, _ := startWithPeer(ctx, t, image)
	if a, b := entryOf(t, first, "x.test"), entryOf(t, second, "x.test"); a == b || hostOf(a) == hostOf(b) {
		t.Errorf("two deployments share a peer address: %s and %s, want each on its own network's gateway", a, b)
	}

	p := probe.New(first.Table(), 10*time.Second)
	alice, err := p.Register(ctx, "a.test", "alice")
	if err != nil {
		t.Fatal(err)
	}
	mallory, err := peer.NewAccount(probe.FreshLocal("mallory"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := alice.Call(ctx, "GET", "/emsg/v1/keys/"+probe.PathOf(mallory.Address()), nil)
	if err != nil || r.Status != 200 {
		t.Fatalf("a key fetch from the peer: %v %v; the container does not reach %s", r, err, entryOf(t, first, "x.test"))
	}

	peer.SetResponder(fakepeer.ServerError) // every attempt refused: the server retries
	env, r, err := alice.Send(ctx, mallory.Bundle(), "across the cut")
	if err != nil || r.Status != 202 {
		t.Fatalf("send to the peer: %v %v", r, err)
	}
	if !eventually(30*time.Second, func() bool { return attempts(peer, env.ID) > 0 }) {
		t.Fatal("no attempt reached the peer")
	}
	if err := first.Control().CutOff(ctx, "a.test"); err != nil {
		t.Fatal(err)
	}
	before := attempts(peer, env.ID)
	// The next retry is due within 2 s of the first attempt (full jitter
	// under BaseBackoff·2, plus a 1 s sweep): 6 s see at least one.
	if !consistently(6*time.Second, func() bool { return attempts(peer, env.ID) == before }) {
		t.Errorf("a cut off container reached the peer: %d attempts during the cut", attempts(peer, env.ID)-before)
	}
	if logs := first.Logs("a.test"); !failedAttempt(logs, "x.test") {
		t.Errorf("no failed attempt during the cut in the server's log (the check above saw nothing to stop):\n%s", logs)
	}

	peer.SetResponder(nil)
	if err := first.Control().Restore(ctx, "a.test"); err != nil {
		t.Fatal(err)
	}
	if !eventually(60*time.Second, func() bool { return delivered(peer, env.ID) }) {
		t.Errorf("the restored container did not deliver to the peer (%d attempts)", attempts(peer, env.ID))
	}
}

// testImage is the image of the reference to run, or the test skips.
func testImage(t *testing.T) string {
	t.Helper()
	image, required := os.Getenv("EMSG_CONFORM_TEST_IMAGE"), os.Getenv("EMSG_REQUIRE_DOCKER") == "1"
	if image == "" && !required {
		t.Skip("set EMSG_CONFORM_TEST_IMAGE to an image of the reference (make image), or EMSG_REQUIRE_DOCKER=1 to build one")
	}
	if err := harness.DockerAvailable(context.Background()); err != nil {
		if required {
			t.Fatalf("Docker is required (EMSG_REQUIRE_DOCKER=1): %v", err)
		}
		t.Skipf("no Docker: %v", err)
	}
	if image == "" {
		image = "emsg-reference:conformance-test"
		if out, err := exec.Command("make", "-C", "../..", "image", "IMAGE="+image).CombinedOutput(); err != nil {
			t.Fatalf("make image: %v\n%s", err, out)
		}
	}
	return image
}

// startWithPeer starts a.test in a container and the fake peer x.test
// as the runner does, both stopped at the end of the test.
func startWithPeer(ctx context.Context, t *testing.T, image string) (harness.Deployment, *fakepeer.Peer) {
	t.Helper()
	cfg := harness.Defaults()
	cfg.Kind, cfg.Images, cfg.Domains, cfg.Peers = harness.KindContainer, []string{image}, []string{"a.test"}, []string{"x.test"}
	dep, err := harness.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dep.Close(context.Background()) })
	l := dep.PeerListener("x.test")
	if l == nil {
		t.Fatalf("no listener for the fake peer: %s", dep.Target().Detail["fake peers"])
	}
	peer, err := fakepeer.New("x.test", dep.Table())
	if err != nil {
		t.Fatal(err)
	}
	peer.Serve(l)
	t.Cleanup(func() { _ = peer.Close() })
	return dep, peer
}

func entryOf(t *testing.T, dep harness.Deployment, domain string) string {
	t.Helper()
	addr, ok := dep.Table().Lookup(domain)
	if !ok {
		t.Fatalf("%s is not in the table", domain)
	}
	return addr
}

func hostOf(hostport string) string {
	h, _, _ := net.SplitHostPort(hostport)
	return h
}

// attempts counts the transactions carrying id the peer received.
func attempts(peer *fakepeer.Peer, id string) int {
	n := 0
	for _, r := range peer.Received() {
		if bytes.Contains(r.Body, []byte(id)) {
			n++
		}
	}
	return n
}

// delivered reports whether a transaction carrying id was answered 200.
func delivered(peer *fakepeer.Peer, id string) bool {
	for _, r := range peer.Received() {
		if bytes.Contains(r.Body, []byte(id)) && r.Answered == 200 {
			return true
		}
	}
	return false
}

// failedAttempt reports whether the reference logged a transaction to
// destination that got no answer.
func failedAttempt(logs, destination string) bool {
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "not answered") && strings.Contains(l, "destination="+destination) {
			return true
		}
	}
	return false
}

// consistently polls cond for d and reports whether it held throughout.
func consistently(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if !cond() {
			return false
		}
	}
	return cond()
}

// eventually polls cond until it holds or within passes.
func eventually(within time.Duration, cond func() bool) bool {
	for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}
