package client

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reference/server"
	"github.com/emsg-project/emsg/reference/server/config"
)

// startFederation runs reference servers for a.test, b.test and c.test on
// loopback (real HTTP between them) and returns the table that reaches them.
func startFederation(t *testing.T) resolve.Table {
	t.Helper()
	base := config.Defaults()
	base.DataDir = t.TempDir()
	d, err := server.StartDeployment(base, []string{"a.test", "b.test", "c.test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		_ = d.Shutdown(ctx)
	})
	return d.Resolver()
}

// TestAliceMovesAndThenDeletesHerAccount: Alice on a.test and Bob on b.test
// are contacts; Alice exports, imports on c.test as alice#c.test and
// moves. Bob's client switches to the new address from the move notice,
// his new messages reach alice#c.test, and the old address answers moved.
// Then Alice deletes the account: Bob hears of it, the address answers
// gone, and its local part cannot be registered again.
func TestAliceMovesAndThenDeletesHerAccount(t *testing.T) {
	table := startFederation(t)
	ctx := bounded(t)
	alice := registered(t, table, "alice#a.test")
	bob := registered(t, table, "bob#b.test")
	bobL := listen(t, bob)
	aliceL := listen(t, alice)
	if err := alice.RequestContact(ctx, bob.Address(), "hi"); err != nil {
		t.Fatal(err)
	}
	bobL.nextNotice(t, ContactRequested)
	befriendAccept(t, bob, alice, aliceL)
	if _, err := alice.Send(ctx, bob.Address(), "before the move"); err != nil {
		t.Fatal(err)
	}
	bobL.nextMessage(t)

	// Export on a.test, import on c.test, move.
	newAddr := address.MustParse("alice#c.test")
	x, err := alice.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Contacts) != 1 || x.Contacts[0].Address != bob.Address() {
		t.Fatalf("export contacts %+v, want Bob", x.Contacts)
	}
	if err := alice.Import(ctx, newAddr, x); err != nil {
		t.Fatal(err)
	}
	if err := alice.Import(ctx, newAddr, x); err != nil { // a retry is harmless
		t.Fatalf("import again: %v", err)
	}
	aliceL.stop(t)
	oldID := alice.identity()
	if err := alice.Login(ctx); err != nil {
		t.Fatal(err)
	}
	oldToken, _ := alice.currentToken()
	if err := alice.Move(ctx, newAddr); err != nil {
		t.Fatal(err)
	}
	// The old account's token still works, and what it sends is refused
	// with moved (MOVE-SEND-01).
	old := alice.as(oldID)
	old.token = oldToken
	var apiErr *APIError
	if err := old.RequestContact(ctx, address.MustParse("carol#b.test"), ""); !errors.As(err, &apiErr) || apiErr.Code != "moved" || apiErr.MovedTo != newAddr.String() {
		t.Fatalf("a request from the moved account: %v, want moved to %s", err, newAddr)
	}
	if alice.Address() != newAddr {
		t.Fatalf("after the move the client is %s, want %s", alice.Address(), newAddr)
	}

	// Bob's client verifies the notice and switches the contact.
	moved := bobL.nextNotice(t, ContactMoved)
	if moved.Address != address.MustParse("alice#a.test") || moved.MovedTo != newAddr {
		t.Fatalf("moved notice %+v", moved)
	}
	if ct, ok, _ := bob.Contact(newAddr); !ok || ct.State != Accepted {
		t.Fatalf("Bob holds %+v for %s, want accepted", ct, newAddr)
	}

	// New messages go to the new address, both ways.
	aliceL = listen(t, alice)
	if _, err := bob.Send(ctx, newAddr, "after the move"); err != nil {
		t.Fatal(err)
	}
	if got := aliceL.nextMessage(t); got.From != bob.Address() || got.Text != "after the move" {
		t.Fatalf("Alice got %+v", got)
	}
	if _, err := alice.Send(ctx, bob.Address(), "hello from c.test"); err != nil {
		t.Fatal(err)
	}
	if got := bobL.nextMessage(t); got.From != newAddr || got.Text != "hello from c.test" {
		t.Fatalf("Bob got %+v", got)
	}

	// The old address answers moved, with the new address.
	stranger := registered(t, table, "carol#a.test")
	err = stranger.RequestContact(ctx, address.MustParse("alice#a.test"), "hi")
	if !errors.As(err, &apiErr) || apiErr.Code != "moved" || apiErr.MovedTo != newAddr.String() {
		t.Fatalf("a request to the old address: %v, want moved to %s", err, newAddr)
	}

	// Deletion: Bob hears of it, the address answers gone.
	if err := alice.Delete(ctx); err != nil {
		t.Fatal(err)
	}
	if n := bobL.nextNotice(t, ContactDeleted); n.Address != newAddr {
		t.Fatalf("deleted notice %+v", n)
	}
	if ct, _, _ := bob.Contact(newAddr); ct.State != Deleted {
		t.Fatalf("Bob holds %+v for Alice, want deleted", ct)
	}
	neighbour := registered(t, table, "dave#c.test")
	err = neighbour.RequestContact(ctx, newAddr, "hi")
	if !errors.As(err, &apiErr) || apiErr.Code != "gone" {
		t.Fatalf("a request to the deleted address: %v, want gone", err)
	}

	// Nobody can register the local part again.
	again := openClient(t, filepath.Join(t.TempDir(), "again"), table)
	err = again.Register(ctx, newAddr)
	if !errors.As(err, &apiErr) || apiErr.Code != "address_taken" {
		t.Fatalf("registering %s again: %v, want address_taken", newAddr, err)
	}
}
