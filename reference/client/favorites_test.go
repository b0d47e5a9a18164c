package client

import (
	"testing"
	"time"
)

// TestPinnedMessagesOutliveTheirTTL: a pinned message stays, locally and
// on the server, after its ttl deleted the message (CLIENT-TTL-01,
// FAV-KEEP-01); unpinning removes it.
func TestPinnedMessagesOutliveTheirTTL(t *testing.T) {
	table := startLab(t)
	ctx := bounded(t)
	alice := registered(t, table, "alice#a.test", WithTTL(60))
	bob := registered(t, table, "bob#a.test")
	bobL := listen(t, bob)
	aliceL := listen(t, alice)
	if err := alice.RequestContact(ctx, bob.Address(), ""); err != nil {
		t.Fatal(err)
	}
	bobL.nextNotice(t, ContactRequested)
	befriendAccept(t, bob, alice, aliceL)
	sent, err := alice.Send(ctx, bob.Address(), "keep this")
	if err != nil {
		t.Fatal(err)
	}
	got := bobL.nextMessage(t)
	f, err := bob.Pin(ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	if f.Message.ID != sent.ID {
		t.Fatalf("favorite %+v, want message %s", f, sent.ID)
	}
	bobL.stop(t) // no goroutine of Bob's reads the clock while it changes
	later := time.Now().Add(time.Hour)
	bob.opts.deps.Now = func() time.Time { return later }
	if list, err := bob.Messages(); err != nil || len(list) != 0 {
		t.Fatalf("an hour on Bob keeps %d messages (%v), want none", len(list), err)
	}
	if favs, err := bob.Favorites(); err != nil || len(favs) != 1 || favs[0].Message.Text != "keep this" {
		t.Fatalf("an hour on Bob's favorites are %+v (%v), want the pinned message", favs, err)
	}
	var onServer struct {
		Favorites []map[string]any `json:"favorites"`
	}
	if err := bob.authed(ctx, "GET", "/emsg/v1/favorites", nil, &onServer); err != nil || len(onServer.Favorites) != 1 {
		t.Fatalf("the server holds %d favorites (%v), want 1", len(onServer.Favorites), err)
	}
	if err := bob.Unpin(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	if favs, _ := bob.Favorites(); len(favs) != 0 {
		t.Fatalf("after unpinning Bob has %d favorites", len(favs))
	}
}
