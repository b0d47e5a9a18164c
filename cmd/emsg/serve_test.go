package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/resolve"
)

// syncBuffer is a bytes.Buffer safe to read while a command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeDeploymentPrintsItsResolverTable(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	exit := make(chan int, 1)
	go func() {
		exit <- runContext(ctx, []string{"serve", "--domains", "a.test,b.test", "--data-dir", t.TempDir()}, &out, &errOut)
	}()
	table := waitForTable(t, &out, exit)

	client := table.Client(nil)
	url, _ := table.URL("b.test", "/emsg/v1/health")
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("b.test by its printed address: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"status":"ok"}` {
		t.Fatalf("health of b.test: %s", body)
	}

	cancel()
	select {
	case code := <-exit:
		if code != 0 {
			t.Fatalf("serve exited %d after a clean stop: %s", code, errOut.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
}

func TestServeRefusesABadResolverTable(t *testing.T) {
	t.Setenv("EMSG_RESOLVE", "b.test=127.0.0.1:0")
	code, _, errOut := emsg(t, "serve", "--domain", "a.test", "--data-dir", t.TempDir())
	if code != 2 || !strings.Contains(errOut, "EMSG_RESOLVE") {
		t.Fatalf("exit %d, stderr %q; want 2 and the variable named", code, errOut)
	}
}

func TestServeRefusesABadConfiguration(t *testing.T) {
	code, _, errOut := emsg(t, "serve", "--domain", "Not A Domain")
	if code != 2 || !strings.Contains(errOut, "emsg: error: EMSG_DOMAIN") {
		t.Fatalf("exit %d, stderr %q; want 2 and the option named", code, errOut)
	}
}

// waitForTable waits for the EMSG_RESOLVE line of a starting deployment.
func waitForTable(t *testing.T, out *syncBuffer, exit <-chan int) resolve.Table {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		for _, line := range strings.Split(out.String(), "\n") {
			if v, ok := strings.CutPrefix(line, "EMSG_RESOLVE="); ok {
				table, err := resolve.Parse(v)
				if err != nil {
					t.Fatalf("printed table does not parse: %v", err)
				}
				return table
			}
		}
		select {
		case code := <-exit:
			t.Fatalf("serve exited %d before printing its table: %s", code, out.String())
		case <-deadline:
			t.Fatalf("no resolver table printed: %s", out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
