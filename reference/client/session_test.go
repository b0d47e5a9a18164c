package client

import (
	"context"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reference/server"
	"github.com/emsg-project/emsg/reference/server/config"
)

// startLabOf runs reference servers for domains on loopback.
func startLabOf(t *testing.T, domains ...string) resolve.Table {
	t.Helper()
	base := config.Defaults()
	base.DataDir = t.TempDir()
	d, err := server.StartDeployment(base, domains)
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

func TestThePeerTalksToTheHostDirectly(t *testing.T) {
	table := startLabOf(t, "a.test", "b.test")
	alice := registered(t, table, "alice#a.test")
	bob := registered(t, table, "bob#b.test")
	ctx := bounded(t)
	aliceL, bobL := listen(t, alice), listen(t, bob)
	if err := alice.RequestContact(ctx, bob.Address(), "hi"); err != nil {
		t.Fatal(err)
	}
	bobL.nextNotice(t, ContactRequested)
	befriendAccept(t, bob, alice, aliceL)

	// Alice's first message opens a session; both clients keep its ticket.
	if _, err := alice.Send(ctx, bob.Address(), "hello bob"); err != nil {
		t.Fatal(err)
	}
	bobL.nextMessage(t)
	n := bobL.nextNotice(t, SessionTicket)
	if own := aliceL.nextNotice(t, SessionTicket); own.ID != n.ID || own.Address != bob.Address() || n.Address != alice.Address() {
		t.Fatalf("tickets %+v and %+v", own, n)
	}

	// Bob opens the socket at a.test: messages both ways travel on it.
	onSession := make(chan Message, 10)
	s, err := bob.OpenSession(ctx, alice.Address(), Handler{Message: func(m Message) { onSession <- m }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Send(ctx, bob.Address(), "on the session"); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-onSession:
		if m.Text != "on the session" || m.From != alice.Address() {
			t.Fatalf("the session carried %+v", m)
		}
	case <-time.After(testTimeout):
		t.Fatal("nothing on the session")
	}
	if _, err := s.Send(ctx, "straight to a.test"); err != nil {
		t.Fatal(err)
	}
	if m := aliceL.nextMessage(t); m.Text != "straight to a.test" {
		t.Fatalf("Alice got %+v", m)
	}

	// Bob ends the session by closing it; later messages go by federation.
	if err := s.Close(); err != nil {
		t.Log(err) // the close handshake may race the host's own close
	}
	if _, err := bob.OpenSession(ctx, alice.Address(), Handler{}); err == nil {
		t.Fatal("the ended session opened again")
	}
	if _, err := alice.Send(ctx, bob.Address(), "by federation"); err != nil {
		t.Fatal(err)
	}
	if m := bobL.nextMessage(t); m.Text != "by federation" {
		t.Fatalf("Bob got %+v", m)
	}
}
