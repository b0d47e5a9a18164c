package client

import (
	"encoding/json"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
)

// TestLocalExpiry: the local copy of a message goes at ts + ttl×1000
// (CLIENT-TTL-01), and a redelivery after that is still not shown again.
func TestLocalExpiry(t *testing.T) {
	alice, bob := newTestIdentity(t, "alice#a.test"), newTestIdentity(t, "bob#a.test")
	start := time.UnixMilli(1700000000000)
	var now atomic.Int64
	now.Store(start.UnixMilli())
	clock := func() time.Time { return time.UnixMilli(now.Load()) }

	dir := filepath.Join(t.TempDir(), "bob")
	if err := SaveIdentity(dir, bob); err != nil {
		t.Fatal(err)
	}
	c := openClient(t, dir, resolve.Table{}, WithDeps(wire.Deps{Rand: wire.NewSeededReader(t.Name()), Now: clock}))
	if _, err := c.updateContact(alice.Address(), rawBundles(t, alice.Bundle()), nil); err != nil {
		t.Fatal(err)
	}
	env, _, err := envelope.Seal(wire.Seeded("expiry", start), alice, bob.Address(),
		map[address.Address]*[32]byte{bob.Address(): bob.BoxPublic()}, envelope.TextBody("brief"), envelope.Options{TTL: 60})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(env)
	if out, err := c.process(1, envelopeEvent(raw)); err != nil || len(out.messages) != 1 {
		t.Fatalf("process: %v, %d messages", err, len(out.messages))
	}

	tests := []struct {
		name string
		at   time.Duration // after ts
		kept int
	}{
		{"kept while the ttl runs", 59999 * time.Millisecond, 1},
		{"deleted at ts + ttl×1000", 60 * time.Second, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now.Store(start.Add(tt.at).UnixMilli())
			list, err := c.Messages()
			if err != nil || len(list) != tt.kept {
				t.Fatalf("%d messages kept (%v), want %d", len(list), err, tt.kept)
			}
		})
	}
	if out, err := c.process(2, envelopeEvent(raw)); err != nil || len(out.messages) != 0 {
		t.Fatalf("redelivery after expiry: %v, %d messages, want none", err, len(out.messages))
	}
}
