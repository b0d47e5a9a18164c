package main

import (
	"strings"
	"testing"
)

// Without a ticket for ADDRESS, session and session --end say so and what
// starts a session.
func TestClientSessionWithoutATicket(t *testing.T) {
	startClientLab(t)
	bob := newAccount(t, "bob")
	bob.must("", "register", "bob#a.test")
	for _, args := range [][]string{{"session", "alice#a.test"}, {"session", "--end", "alice#a.test"}} {
		code, _, errOut := bob.run(args...)
		if code != 1 || !strings.Contains(errOut, "no live session") || !strings.Contains(errOut, "sends you a message") {
			t.Fatalf("emsg client %v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
