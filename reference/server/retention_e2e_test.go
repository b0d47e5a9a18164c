package server

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
)

// shiftedClock is the wall clock plus an offset a test moves forward.
type shiftedClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *shiftedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}
func (c *shiftedClock) advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// TestAnUnreadEnvelopeExpiresAcrossFederation: Bob on b.test never reads
// an envelope from Alice on a.test; once its ttl ran out, b.test drops it,
// Bob's stream gets an expired event (TTL-EVENT-01) and Alice's an expired
// receipt, over federation (RCPT-EXPIRED-01). The servers' clocks are
// moved forward; the sweepers run on their own.
func TestAnUnreadEnvelopeExpiresAcrossFederation(t *testing.T) {
	clock := &shiftedClock{}
	base := config.Defaults()
	base.DataDir = t.TempDir()
	d, err := StartDeployment(base, []string{"a.test", "b.test"}, WithDeps(wire.Deps{Rand: wire.System().Rand, Now: clock.Now}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Shutdown(context.Background()) })
	l := &lab{t: t, table: d.Resolver(), client: d.Resolver().Client(nil)}
	alice, bob := l.newUser("alice#a.test"), l.newUser("bob#b.test")
	l.must(http.StatusOK)(l.call(bob, "b.test", "PATCH", "/emsg/v1/settings", map[string]any{"accept_strangers": true}))

	env, _, err := envelope.Seal(wire.Deps{Rand: wire.System().Rand, Now: clock.Now}, alice.id, bob.addr(),
		map[address.Address]*[32]byte{bob.addr(): bob.id.BoxPublic()}, envelope.TextBody("read me"), envelope.Options{TTL: 60})
	if err != nil {
		t.Fatal(err)
	}
	aliceConn, _ := l.stream(alice)
	bobConn, _ := l.stream(bob)
	l.must(http.StatusAccepted)(l.call(alice, "a.test", "POST", "/emsg/v1/messages", env))
	l.nextEvent(bobConn, "envelope") // Bob's client sees it, and never acknowledges it
	if _, r := l.nextEvent(aliceConn, "receipt"); r["receipt"].(map[string]any)["kind"] != "delivered" {
		t.Fatalf("first receipt %v, want delivered", r)
	}

	clock.advance(61 * time.Second)
	_, r := l.nextEvent(aliceConn, "receipt")
	if rc := r["receipt"].(map[string]any); rc["kind"] != "expired" || rc["id"] != env.ID || rc["from"] != "bob#b.test" {
		t.Fatalf("receipt %v, want expired for %s from bob#b.test", rc, env.ID)
	}
	if _, ev := l.nextEvent(bobConn, "expired"); ev["id"] != env.ID || ev["from"] != "alice#a.test" {
		t.Fatalf("Bob's expired event %v, want %s from alice#a.test", ev, env.ID)
	}
}
