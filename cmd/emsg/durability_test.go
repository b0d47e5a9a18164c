package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	protoaccount "github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
)

// The durability test: what a server acknowledged (202) survives kill -9
// and is delivered exactly once (the architecture's promise, MSG-DURABLE
// and FED-QUEUE). It runs the real binary as an OS process.

// killAfter is how many acknowledged messages the sender gets before the
// server is killed; the senders keep sending, so requests are in flight.
const killAfter = 60

// senders is how many concurrent senders Alice uses.
const senders = 4

// buildEmsg builds the emsg binary into a temporary directory.
func buildEmsg(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "emsg")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// Without symbol tables and DWARF the link is faster.
	out, err := exec.CommandContext(ctx, "go", "build", "-ldflags=-s -w", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serverProcess is `emsg serve --domains a.test,b.test` running as a
// child process.
type serverProcess struct {
	cmd    *exec.Cmd
	table  resolve.Table
	stderr *syncBuffer
	exited chan struct{}
}

// startServer runs the deployment on dataDir and waits for its resolver
// table.
func startServer(t *testing.T, bin, dataDir string) *serverProcess {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--domains", "a.test,b.test", "--data-dir", dataDir)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &serverProcess{cmd: cmd, stderr: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() { p.kill() })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("emsg serve exited before printing its table; stderr:\n%s", p.stderr.String())
			}
			if v, found := strings.CutPrefix(line, "EMSG_RESOLVE="); found {
				if p.table, err = resolve.Parse(v); err != nil {
					t.Fatal(err)
				}
				go func() { // keep draining stdout
					for range lines {
					}
				}()
				return p
			}
		case <-deadline:
			t.Fatalf("emsg serve printed no table within 10s; stderr:\n%s", p.stderr.String())
		}
	}
}

// kill sends SIGKILL and waits for the process to end.
func (p *serverProcess) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// stop sends SIGTERM and waits for a clean exit.
func (p *serverProcess) stop(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("emsg serve did not stop within 10s of SIGTERM")
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("emsg serve exited %d after SIGTERM; stderr:\n%s", code, p.stderr.String())
	}
}

// person is an account with its keys and token.
type person struct {
	id    *keys.Identity
	token string
}

func (p *person) addr() address.Address { return p.id.Address() }

// call sends a JSON request to the deployment and returns status and body.
func call(table resolve.Table, token, method, domain, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(raw)
	}
	url, err := table.URL(domain, path)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := table.Client(nil)
	client.Timeout = 5 * time.Second
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

// mustCall fails the test unless the request answers want.
func mustCall(t *testing.T, table resolve.Table, token, method, domain, path string, body any, want int) []byte {
	t.Helper()
	status, out, err := call(table, token, method, domain, path, body)
	if err != nil || status != want {
		t.Fatalf("%s %s on %s: %d %s %v, want %d", method, path, domain, status, out, err, want)
	}
	return out
}

// enroll registers addr, logs in and lets strangers write to it.
func enroll(t *testing.T, table resolve.Table, addr string) *person {
	t.Helper()
	a := address.MustParse(addr)
	id, err := keys.NewIdentity(wire.Seeded("durability/"+addr, time.Now()), a)
	if err != nil {
		t.Fatal(err)
	}
	mustCall(t, table, "", "POST", a.Domain, "/emsg/v1/register", map[string]any{"bundle": id.Bundle()}, http.StatusCreated)
	var ch struct {
		Challenge wire.Bytes `json:"challenge"`
	}
	_ = json.Unmarshal(mustCall(t, table, "", "POST", a.Domain, "/emsg/v1/login/challenge", map[string]any{"address": addr}, http.StatusOK), &ch)
	proof, err := protoaccount.NewLoginProof(wire.Seeded("durability/login/"+addr, time.Now()), a, id.SignKey(), ch.Challenge, a.Domain)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		Token string `json:"token"`
	}
	_ = json.Unmarshal(mustCall(t, table, "", "POST", a.Domain, "/emsg/v1/login", map[string]any{"proof": proof}, http.StatusOK), &tok)
	p := &person{id: id, token: tok.Token}
	mustCall(t, table, p.token, "PATCH", a.Domain, "/emsg/v1/settings", map[string]any{"accept_strangers": true}, http.StatusOK)
	return p
}

// seal is a text envelope from → to with a fresh id.
func seal(t *testing.T, from, to *person, text string) *envelope.Envelope {
	env, _, err := envelope.Seal(wire.Seeded("durability/"+text, time.Now()), from.id, to.addr(),
		map[address.Address]*[32]byte{to.addr(): to.id.BoxPublic()}, envelope.TextBody(text), envelope.Options{TTL: 3600})
	if err != nil {
		t.Error(err)
	}
	return env
}

// ledger is what the senders know: the ids acknowledged with 202 and the
// ids whose request failed (in flight at the kill), per recipient.
type ledger struct {
	mu       sync.Mutex
	acked    map[string]string // id → recipient address
	inFlight map[string]string
	count    atomic.Int64
}

// send streams messages from alice, alternating bob and carol, from
// several senders until the server stops answering.
func (l *ledger) send(t *testing.T, table resolve.Table, alice *person, to []*person) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for {
				n := next.Add(1)
				rcpt := to[n%int64(len(to))]
				env := seal(t, alice, rcpt, fmt.Sprintf("message %d", n))
				status, body, err := call(table, alice.token, "POST", "a.test", "/emsg/v1/messages", env)
				l.mu.Lock()
				switch {
				case err == nil && status == http.StatusAccepted:
					l.acked[env.ID] = rcpt.addr().String()
					l.count.Add(1)
				case err != nil || status >= 500:
					l.inFlight[env.ID] = rcpt.addr().String()
				default:
					t.Errorf("message %d refused: %d %s", n, status, body)
				}
				l.mu.Unlock()
				if err != nil || status != http.StatusAccepted {
					return
				}
			}
		})
	}
	wg.Wait()
}

// received reads p's stream from the start until the envelope with id
// until arrives, and returns the envelope ids in stream order with their
// sequence numbers.
func received(t *testing.T, table resolve.Table, p *person, until string) (ids []string, seqs []uint64) {
	t.Helper()
	url, err := table.WebSocketURL(p.addr().Domain, "/emsg/v1/stream")
	if err != nil {
		t.Fatal(err)
	}
	dialer := websocket.Dialer{NetDialContext: table.NetDialContext, HandshakeTimeout: 5 * time.Second}
	conn, _, err := dialer.Dial(url, http.Header{"Authorization": {"Bearer " + p.token}})
	if err != nil {
		t.Fatalf("stream of %s: %v", p.addr(), err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		var f struct {
			Type  string `json:"type"`
			Seq   uint64 `json:"seq"`
			Event struct {
				Kind     string `json:"kind"`
				Envelope struct {
					ID string `json:"id"`
				} `json:"envelope"`
			} `json:"event"`
		}
		if err := conn.ReadJSON(&f); err != nil {
			t.Fatalf("stream of %s, %d envelopes read, still waiting for %s: %v", p.addr(), len(ids), until, err)
		}
		if f.Type != "event" || f.Event.Kind != "envelope" {
			continue
		}
		ids, seqs = append(ids, f.Event.Envelope.ID), append(seqs, f.Seq)
		if f.Event.Envelope.ID == until {
			return ids, seqs
		}
	}
}

// TestAcknowledgedMessagesSurviveSIGKILL kills `emsg serve` with SIGKILL
// while a sender streams messages to a same-domain and a cross-domain
// recipient, restarts it on the same data directory, and checks that
// every acknowledged message is delivered exactly once, in increasing
// sequence, and nothing else but the requests in flight at the kill.
// A final SIGTERM must stop the server cleanly and quietly.
func TestAcknowledgedMessagesSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the emsg binary")
	}
	start := time.Now()
	bin, data := buildEmsg(t), t.TempDir()
	t.Logf("built emsg in %v", time.Since(start).Round(time.Millisecond))
	first := startServer(t, bin, data)
	alice := enroll(t, first.table, "alice#a.test")
	bob, carol := enroll(t, first.table, "bob#a.test"), enroll(t, first.table, "carol#b.test")

	l := &ledger{acked: map[string]string{}, inFlight: map[string]string{}}
	sent := make(chan struct{})
	go func() { defer close(sent); l.send(t, first.table, alice, []*person{bob, carol}) }()
	deadline := time.Now().Add(10 * time.Second)
	waitFor(t, l, sent, deadline)
	first.kill()
	<-sent
	t.Logf("killed after %d acknowledged messages, %d in flight", len(l.acked), len(l.inFlight))

	second := startServer(t, bin, data)
	for _, rcpt := range []*person{bob, carol} {
		// The last message: a.test's queue for b.test is FIFO, so when it
		// arrives, every message queued before it has arrived too.
		last := seal(t, alice, rcpt, "last for "+rcpt.addr().String())
		mustCall(t, second.table, alice.token, "POST", "a.test", "/emsg/v1/messages", last, http.StatusAccepted)
		ids, seqs := received(t, second.table, rcpt, last.ID)
		checkExactlyOnce(t, rcpt.addr().String(), l, ids[:len(ids)-1], seqs)
	}

	// SIGTERM under traffic (federation both ways, receipts, open streams)
	// is clean and quiet.
	for _, p := range []*person{alice, bob, carol} {
		drain(t, second.table, p)
	}
	busy := &ledger{acked: map[string]string{}, inFlight: map[string]string{}}
	sent = make(chan struct{})
	go func() { defer close(sent); busy.send(t, second.table, alice, []*person{bob, carol}) }()
	waitFor(t, busy, sent, time.Now().Add(10*time.Second))
	second.stop(t)
	<-sent
	if noise := warnings(second.stderr.String()); noise != "" {
		t.Errorf("a clean shutdown logged warnings or errors:\n%s", noise)
	}
}

// drain opens p's stream and reads it until the server closes it.
func drain(t *testing.T, table resolve.Table, p *person) {
	t.Helper()
	url, err := table.WebSocketURL(p.addr().Domain, "/emsg/v1/stream")
	if err != nil {
		t.Fatal(err)
	}
	dialer := websocket.Dialer{NetDialContext: table.NetDialContext, HandshakeTimeout: 5 * time.Second}
	conn, _, err := dialer.Dial(url, http.Header{"Authorization": {"Bearer " + p.token}})
	if err != nil {
		t.Fatalf("stream of %s: %v", p.addr(), err)
	}
	go func() {
		defer conn.Close()
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
}

// waitFor polls until l counts killAfter acknowledged messages; it fails
// the test if the senders stop first or the deadline passes.
func waitFor(t *testing.T, l *ledger, sent <-chan struct{}, deadline time.Time) {
	t.Helper()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for l.count.Load() < killAfter {
		select {
		case <-sent:
			t.Fatalf("the senders stopped after %d messages", l.count.Load())
		case <-tick.C:
			if time.Now().After(deadline) {
				t.Fatalf("only %d messages acknowledged in time", l.count.Load())
			}
		}
	}
}

// checkExactlyOnce is the verdict for one recipient.
func checkExactlyOnce(t *testing.T, rcpt string, l *ledger, ids []string, seqs []uint64) {
	t.Helper()
	seen := map[string]int{}
	for i, id := range ids {
		seen[id]++
		if i > 0 && seqs[i] <= seqs[i-1] {
			t.Errorf("%s: seq %d after %d", rcpt, seqs[i], seqs[i-1])
		}
		if seen[id] > 1 {
			t.Errorf("%s: envelope %s delivered %d times", rcpt, id, seen[id])
		}
		if l.acked[id] != rcpt && l.inFlight[id] != rcpt {
			t.Errorf("%s: envelope %s was never sent to it", rcpt, id)
		}
	}
	want := 0
	for id, to := range l.acked {
		if to != rcpt {
			continue
		}
		want++
		if seen[id] == 0 {
			t.Errorf("%s: acknowledged envelope %s was lost", rcpt, id)
		}
	}
	if want == 0 {
		t.Errorf("%s: no message to it was acknowledged before the kill", rcpt)
	}
}

// warnings returns the log lines at WARN or ERROR level.
func warnings(log string) string {
	var out []string
	for line := range strings.Lines(log) {
		if strings.Contains(line, " WARN ") || strings.Contains(line, " ERROR ") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}
