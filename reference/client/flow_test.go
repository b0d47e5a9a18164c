package client

import (
	"errors"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
)

// TestTwoClientsTalk runs the whole of section 4 between two clients of
// one server: registration, the contact exchange, messages both ways and
// a restart of the listener that resumes without showing anything twice.
func TestTwoClientsTalk(t *testing.T) {
	table := startLab(t)
	alice := registered(t, table, "alice#a.test")
	bob := registered(t, table, "bob#a.test")
	ctx := bounded(t)

	// Bob hears of Alice's request, with her note, and holds her bundle.
	bobL := listen(t, bob)
	if err := alice.RequestContact(ctx, bob.Address(), "hi, Alice from work"); err != nil {
		t.Fatal(err)
	}
	req := bobL.nextNotice(t, ContactRequested)
	if req.Address != alice.Address() || req.Note != "hi, Alice from work" {
		t.Fatalf("request notice %+v", req)
	}
	if ct, _, _ := bob.Contact(alice.Address()); ct.State != PendingIn || len(ct.Chain) != 1 {
		t.Fatalf("Bob holds %+v for Alice, want pending_in with her bundle", ct)
	}

	// Bob accepts; Alice's stream tells her, and each holds the other's keys.
	aliceL := listen(t, alice)
	befriendAccept(t, bob, alice, aliceL)
	for _, pair := range []struct{ holder, of *Client }{{alice, bob}, {bob, alice}} {
		ct, ok, err := pair.holder.Contact(pair.of.Address())
		want, _ := pair.of.Bundle()
		got, hasKeys := ct.Bundle()
		if err != nil || !ok || ct.State != Accepted || !hasKeys || !same(got, want) {
			t.Fatalf("%s holds %+v for %s (%v), want accepted with the current bundle", pair.holder.Address(), ct, pair.of.Address(), err)
		}
	}
	list, err := alice.Contacts(ctx)
	if err != nil || len(list) != 1 || list[0].Address != bob.Address() || list[0].State != Accepted {
		t.Fatalf("Alice's contacts %+v, %v", list, err)
	}

	// Messages both ways.
	sent, err := alice.Send(ctx, bob.Address(), "hello bob")
	if err != nil {
		t.Fatal(err)
	}
	if got := bobL.nextMessage(t); got.From != alice.Address() || got.ID != sent.ID || got.Text != "hello bob" || got.Unsupported {
		t.Fatalf("Bob got %+v, want %q from Alice with id %s", got, "hello bob", sent.ID)
	}
	if _, err := bob.Send(ctx, alice.Address(), "hello alice"); err != nil {
		t.Fatal(err)
	}
	if got := aliceL.nextMessage(t); got.From != bob.Address() || got.Text != "hello alice" {
		t.Fatalf("Alice got %+v", got)
	}

	// A vendor body Bob's client does not know is shown as unsupported.
	if _, err := alice.SendBody(ctx, bob.Address(), []byte(`{"type":"vnd.example.com.poll","q":"tea?"}`)); err != nil {
		t.Fatal(err)
	}
	if got := bobL.nextMessage(t); !got.Unsupported || got.Type != "vnd.example.com.poll" || got.Display() == "" {
		t.Fatalf("Bob got %+v, want an unsupported vnd.example.com.poll message", got)
	}

	// Bob's listener stops; a message arrives meanwhile; the next listener
	// resumes after the last event processed and shows only the new one.
	bobL.stop(t)
	last, err := bob.store.lastSeq()
	if err != nil || last == 0 {
		t.Fatalf("last seq %d, %v", last, err)
	}
	if _, err := alice.Send(ctx, bob.Address(), "while you were away"); err != nil {
		t.Fatal(err)
	}
	again := listen(t, bob)
	if from := again.nextReady(t); from != last {
		t.Fatalf("resumed from %d, want the last seq processed, %d", from, last)
	}
	if got := again.nextMessage(t); got.Text != "while you were away" {
		t.Fatalf("after the restart Bob got %q first, want only the new message", got.Text)
	}

	// Everything shown is kept locally: 3 received, 1 sent.
	kept, err := bob.Messages()
	if err != nil || len(kept) != 4 {
		t.Fatalf("Bob keeps %d messages (%v), want 4", len(kept), err)
	}
}

// befriendAccept is the second half of befriend: b accepts a's pending
// request and a's listener hears of it.
func befriendAccept(t *testing.T, b, a *Client, aListens *listener) {
	t.Helper()
	if err := b.Accept(bounded(t), a.Address()); err != nil {
		t.Fatal(err)
	}
	if n := aListens.nextNotice(t, ContactAccepted); n.Address != b.Address() {
		t.Fatalf("accepted by %s, want %s", n.Address, b.Address())
	}
}

// TestSendNeedsKeys: a client does not send to an address whose keys it
// has not verified.
func TestSendNeedsKeys(t *testing.T) {
	table := startLab(t)
	alice := registered(t, table, "alice#a.test")
	_, err := alice.Send(bounded(t), address.MustParse("carol#a.test"), "hi")
	if !errors.Is(err, ErrNoKeys) {
		t.Fatalf("got %v, want ErrNoKeys", err)
	}
}
