package client

import (
	"errors"
	"testing"
)

func TestClientsTalkInAGroupWithoutBeingContacts(t *testing.T) {
	table := startLab(t)
	ctx := bounded(t)
	alice := registered(t, table, "alice#a.test")
	bob := registered(t, table, "bob#a.test")
	carol := registered(t, table, "carol#a.test")
	al, bl, cl := listen(t, alice), listen(t, bob), listen(t, carol)

	g, err := alice.CreateGroup(ctx, "Team", "team")
	if err != nil {
		t.Fatal(err)
	}
	if n := al.nextNotice(t, GroupChanged); n.Group.Kind != "created" || n.Group.Seq != 1 {
		t.Fatalf("alice's first group notice %+v", n.Group)
	}
	for _, u := range []struct {
		c *Client
		l *listener
	}{{bob, bl}, {carol, cl}} {
		if _, err := alice.Invite(ctx, g.Address, u.c.Address()); err != nil {
			t.Fatal(err)
		}
		if n := u.l.nextNotice(t, GroupChanged); n.Group.Kind != "invited" {
			t.Fatalf("%s: %+v, want invited", u.c.Address(), n.Group)
		}
		if _, err := u.c.JoinGroup(ctx, g.Address); err != nil {
			t.Fatal(err)
		}
		if n := u.l.nextNotice(t, GroupChanged); n.Group.Kind != "joined" {
			t.Fatalf("%s: %+v, want joined", u.c.Address(), n.Group)
		}
	}

	// Bob writes to the group; Alice and Carol, who are not his contacts, read it.
	sent, err := bob.SendGroup(ctx, g.Address, "hi all")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []*listener{al, cl} {
		if m := l.nextMessage(t); m.ID != sent.ID || m.Text != "hi all" || m.To != g.Address {
			t.Fatalf("got %+v, want Bob's group message", m)
		}
	}

	// Carol may not kick: the refusal arrives as a notice with the request id.
	id, err := carol.Kick(ctx, g.Address, bob.Address())
	if err != nil {
		t.Fatal(err)
	}
	n := cl.nextNotice(t, GroupRefused)
	var apiErr *APIError
	if n.ID != id || !errors.As(n.Err, &apiErr) || apiErr.Code != "forbidden" {
		t.Fatalf("refusal %+v, want forbidden for %s", n, id)
	}

	groups, err := carol.Groups(ctx)
	if err != nil || len(groups) != 1 || len(groups[0].Members) != 3 {
		t.Fatalf("carol's groups %+v, %v", groups, err)
	}
	if _, err := alice.DissolveGroup(ctx, g.Address); err != nil {
		t.Fatal(err)
	}
	for bl.nextNotice(t, GroupChanged).Group.Kind != "dissolved" {
	} // Bob sees the events after his join (Carol's), then the dissolution
}
