package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestClientGroups walks the groups commands: create, invite, join, list,
// show, send, and the events a listener prints.
func TestClientGroups(t *testing.T) {
	startClientLab(t)
	alice, bob := newAccount(t, "alice"), newAccount(t, "bob")
	alice.must("registered", "register", "alice#a.test")
	bob.must("registered", "register", "bob#a.test")

	alice.must("team#a.test", "groups", "create", "Climbing team", "--local", "team")
	alice.must("", "groups", "invite", "team#a.test", "bob#a.test")
	bob.must("", "groups", "join", "team#a.test")
	bob.must("team#a.test", "groups")
	out := bob.must("alice#a.test", "groups", "show", "team#a.test")
	if !strings.Contains(out, "bob#a.test") || !strings.Contains(out, "owner") {
		t.Fatalf("groups show: %q", out)
	}

	tail := alice.listen()
	defer tail.stop(t)
	tail.waitFor(t, &tail.errOut, regexp.MustCompile(`emsg: team#a.test #3: bob#a.test joined`))
	bob.must("", "groups", "send", "team#a.test", "hello", "team")
	tail.waitFor(t, &tail.out, regexp.MustCompile(`(?m) bob#a.test: hello team$`))

	// misuse: a role that does not exist
	if code, _, errOut := bob.run("groups", "role", "team#a.test", "alice#a.test", "king"); code != 2 || !strings.Contains(errOut, "bad role") {
		t.Fatalf("bad role: exit %d, %q", code, errOut)
	}
}
