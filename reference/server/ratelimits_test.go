package server

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
)

// testClock is a settable clock for a server's wire.Deps.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newLimitedServer builds a.test with cfg changed by edit and a clock the
// test moves.
func newLimitedServer(t *testing.T, edit func(*config.Config)) (*Server, *testClock) {
	t.Helper()
	cfg := config.Defaults()
	cfg.Domain = "a.test"
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	edit(&cfg)
	c := &testClock{t: time.UnixMilli(1_700_000_000_000)}
	deps := wire.Deps{Rand: wire.NewSeededReader("limits"), Now: c.now}
	s, err := New(cfg, WithDeps(deps))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	return s, c
}

// registerBody is a register request for a fresh identity at addr.
func registerBody(t *testing.T, addr string) []byte {
	t.Helper()
	id, err := keys.NewIdentity(wire.Seeded("limits/"+addr, time.UnixMilli(1_700_000_000_000)), address.MustParse(addr))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"bundle": id.Bundle()})
	return body
}

// wantRateLimited checks a 429 answer: the same positive seconds in the
// Retry-After header and the retry_after member (LIMIT-RATE-01).
func wantRateLimited(t *testing.T, resp *http.Response, body []byte) {
	t.Helper()
	var e struct {
		Error      string `json:"error"`
		RetryAfter int    `json:"retry_after"`
	}
	_ = json.Unmarshal(body, &e)
	header, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	if resp.StatusCode != http.StatusTooManyRequests || e.Error != "rate_limited" || e.RetryAfter < 1 || header != e.RetryAfter {
		t.Fatalf("got %d %s (Retry-After %q), want 429 rate_limited with equal positive waits", resp.StatusCode, body, resp.Header.Get("Retry-After"))
	}
}

func TestRegistrationIsRateLimitedPerAddressAndChangesNothing(t *testing.T) {
	s, clock := newLimitedServer(t, func(c *config.Config) { c.RateRegister = 2 })
	for _, name := range []string{"alice", "bob"} {
		if resp, body := exchange(t, s, http.MethodPost, "/emsg/v1/register", registerBody(t, name+"#a.test")); resp.StatusCode != http.StatusCreated {
			t.Fatalf("register %s: %d %s", name, resp.StatusCode, body)
		}
	}
	carol := registerBody(t, "carol#a.test")
	resp, body := exchange(t, s, http.MethodPost, "/emsg/v1/register", carol)
	wantRateLimited(t, resp, body)

	// After the wait the same request succeeds: the refusal created nothing
	// (a created account would answer address_taken).
	clock.add(31 * time.Second)
	if resp, body := exchange(t, s, http.MethodPost, "/emsg/v1/register", carol); resp.StatusCode != http.StatusCreated {
		t.Fatalf("register carol after the wait: %d %s, want 201", resp.StatusCode, body)
	}
}

func TestLoginChallengesAreRateLimitedPerAddress(t *testing.T) {
	s, _ := newLimitedServer(t, func(c *config.Config) { c.RateLogin = 1 })
	exchange(t, s, http.MethodPost, "/emsg/v1/register", registerBody(t, "alice#a.test"))
	challenge := []byte(`{"address":"alice#a.test"}`)
	if resp, body := exchange(t, s, http.MethodPost, "/emsg/v1/login/challenge", challenge); resp.StatusCode != http.StatusOK {
		t.Fatalf("first challenge: %d %s", resp.StatusCode, body)
	}
	resp, body := exchange(t, s, http.MethodPost, "/emsg/v1/login/challenge", challenge)
	wantRateLimited(t, resp, body)
}

func TestDefaultLimitsLetABusyClientThrough(t *testing.T) {
	s, _ := newLimitedServer(t, func(*config.Config) {})
	// 200 registrations from one address within the same instant (the
	// clock does not move) are far below the default.
	for i := range 200 {
		if resp, body := exchange(t, s, http.MethodPost, "/emsg/v1/register", registerBody(t, "u"+strconv.Itoa(i)+"#a.test")); resp.StatusCode != http.StatusCreated {
			t.Fatalf("registration %d: %d %s", i, resp.StatusCode, body)
		}
	}
}

func TestSendingIsRateLimitedPerAccountOnHTTPAndStream(t *testing.T) {
	base := config.Defaults()
	base.RateMessages = 1
	l := startLabWith(t, base, "a.test")
	alice, bob := l.newUser("alice#a.test"), l.newUser("bob#a.test")
	l.must(http.StatusOK)(l.call(bob, "a.test", "PATCH", "/emsg/v1/settings", map[string]any{"accept_strangers": true}))
	seal := func(text string) *envelope.Envelope {
		env, _, err := envelope.Seal(wire.Seeded("limits/"+text, time.Now()), alice.id, bob.addr(),
			map[address.Address]*[32]byte{bob.addr(): bob.id.BoxPublic()}, envelope.TextBody(text), envelope.Options{TTL: 3600})
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	one := seal("one")
	l.must(http.StatusAccepted)(l.call(alice, "a.test", "POST", "/emsg/v1/messages", one))
	status, body := l.call(alice, "a.test", "POST", "/emsg/v1/messages", seal("two"))
	if status != http.StatusTooManyRequests {
		t.Fatalf("second message: %d %s, want 429", status, body)
	}

	// The stream's send frames share the account's bucket.
	conn, _ := l.stream(alice)
	if err := conn.WriteJSON(map[string]any{"type": "send", "ref": "r1", "envelope": seal("three")}); err != nil {
		t.Fatal(err)
	}
	for {
		f := l.frame(conn)
		if f["type"] != "result" {
			continue
		}
		if f["status"] != float64(429) || f["error"] != "rate_limited" || f["retry_after"].(float64) < 1 {
			t.Fatalf("send frame answered %v, want 429 rate_limited with retry_after", f)
		}
		break
	}
	// Bob's stream starts with the accepted envelope.
	bobStream, _ := l.stream(bob)
	_, ev := l.nextEvent(bobStream, "envelope")
	if got := ev["envelope"].(map[string]any)["id"]; got != one.ID {
		t.Fatalf("Bob's first envelope is %v, want %s", got, one.ID)
	}
}
