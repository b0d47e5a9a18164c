package stream

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// clientsEnv makes the test binary a client process: "<ws url> <n>" opens n
// idle streams, prints "ready", and holds them until stdin closes. The
// clients live in another process so that only the server's memory is
// measured.
const clientsEnv = "EMSG_STREAM_TEST_CLIENTS"

// idleStreams is how many idle streams the memory test opens.
const idleStreams = 2000

// idleStreamBudget is the goal: under 10 KB of server memory per
// idle stream (measured: about 6.7 KB, 4 KB of it the reader's stack; the
// race detector adds little, as it keeps its shadow memory outside the Go
// heap).
const idleStreamBudget = 10 << 10

func TestMain(m *testing.M) {
	if arg := os.Getenv(clientsEnv); arg != "" {
		os.Exit(holdStreams(arg))
	}
	os.Exit(m.Run())
}

// holdStreams is the client process.
func holdStreams(arg string) int {
	url, count, _ := strings.Cut(arg, " ")
	n, err := strconv.Atoi(count)
	if err != nil {
		fmt.Fprintln(os.Stderr, "client process:", err)
		return 2
	}
	conns := make([]*websocket.Conn, 0, n)
	for i := range n {
		ws, _, err := websocket.DefaultDialer.Dial(url, http.Header{"Authorization": {"Bearer u" + strconv.Itoa(i)}})
		if err != nil {
			fmt.Fprintf(os.Stderr, "client process: stream %d: %v\n", i, err)
			return 1
		}
		if _, _, err := ws.ReadMessage(); err != nil { // ready
			fmt.Fprintf(os.Stderr, "client process: stream %d: %v\n", i, err)
			return 1
		}
		conns = append(conns, ws)
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	for _, ws := range conns {
		_ = ws.Close()
	}
	return 0
}

// TestIdleStreamMemory opens idleStreams idle streams from another process
// and measures the server's heap and stack growth per stream.
func TestIdleStreamMemory(t *testing.T) {
	hub, url := newMemoryHub(t)
	runClients(t, hub, url, 20) // warm up: pools, schema compilation, map growth
	before := heapAndStack()
	stop := runClients(t, hub, url, idleStreams)
	after := heapAndStack()
	stop()
	per := (int64(after) - int64(before)) / idleStreams
	t.Logf("server memory per idle stream: %d bytes (HeapInuse+StackInuse delta over %d streams)", per, idleStreams)
	if per >= idleStreamBudget {
		t.Errorf("an idle stream costs %d bytes of server memory, want under %d", per, idleStreamBudget)
	}
}

// newMemoryHub serves a hub whose Authenticator takes "u<i>" as the token
// of u<i>#a.test.
func newMemoryHub(t *testing.T) (*Hub, string) {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	cfg.Domain = "a.test"
	auth := func(r *http.Request) (address.Address, error) {
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		a, err := address.ParseCanonical(token + "#a.test")
		if err != nil {
			return address.Address{}, httpapi.Errorf("unauthorized", "unknown token")
		}
		return a, nil
	}
	hub := newHub(st, cfg, auth, time.Hour)
	mux := httpapi.NewMux()
	hub.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		hub.Close()
		srv.Close()
		_ = st.Close()
	})
	return hub, "ws" + strings.TrimPrefix(srv.URL, "http") + Path
}

// runClients starts a client process holding n streams and waits until the
// hub has them all, idle; the returned func ends the process and waits
// until the hub has dropped them.
func runClients(t *testing.T, hub *Hub, url string, n int) (stop func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %d", clientsEnv, url, n))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- line
	}()
	select {
	case line := <-ready:
		if line != "ready\n" {
			t.Fatalf("client process: %q", line)
		}
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("client process: not ready in 60s")
	}
	eventually(t, fmt.Sprintf("%d idle streams", n), func() bool { s, p := hub.census(); return s == n && p == 0 })
	return func() {
		_ = stdin.Close()
		_ = cmd.Wait()
		eventually(t, "the streams to close", func() bool { s, _ := hub.census(); return s == 0 })
	}
}

// census counts the hub's open streams and running pushers.
func (h *Hub) census() (streams, pushers int) {
	for _, c := range h.allConns() {
		streams++
		c.mu.Lock()
		if c.pushing {
			pushers++
		}
		c.mu.Unlock()
	}
	return streams, pushers
}

// heapAndStack returns HeapInuse+StackInuse after garbage collection.
func heapAndStack() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse + ms.StackInuse
}
