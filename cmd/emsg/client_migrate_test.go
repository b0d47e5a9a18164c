package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/emsg-project/emsg/reference/server"
	"github.com/emsg-project/emsg/reference/server/config"
)

// startClientFederation runs reference servers for a.test and c.test and
// points EMSG_RESOLVE at them.
func startClientFederation(t *testing.T) {
	t.Helper()
	base := config.Defaults()
	base.DataDir = t.TempDir()
	d, err := server.StartDeployment(base, []string{"a.test", "c.test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
		defer cancel()
		_ = d.Shutdown(ctx)
	})
	t.Setenv("EMSG_RESOLVE", d.Resolver().String())
	t.Setenv("EMSG_RESOLVE_FILE", "")
}

// TestClientExportImportMoveDelete: a person takes an account from a.test
// to c.test with export, import and move, pins a message, and deletes the
// account.
func TestClientExportImportMoveDelete(t *testing.T) {
	startClientFederation(t)
	alice, bob := newAccount(t, "alice"), newAccount(t, "bob")
	alice.must("registered alice#a.test", "register", "alice#a.test")
	bob.must("registered bob#a.test", "register", "bob#a.test")
	alice.must("asked bob#a.test", "contacts", "add", "bob#a.test")
	bob.must("accepted alice#a.test", "contacts", "accept", "alice#a.test")
	alice.must("", "contacts") // learn Bob's keys

	file := filepath.Join(t.TempDir(), "alice.json")
	alice.must("exported alice#a.test to "+file, "export", file)
	alice.must("imported alice#a.test as alice#c.test", "import", file, "--as", "alice#c.test")
	alice.must("moved alice#a.test to alice#c.test", "move", "alice#c.test")
	alice.must("logged in as alice#c.test", "login")

	// Bob hears of the move on his stream and talks to the new address.
	l := bob.listen()
	l.waitFor(t, &l.errOut, regexp.MustCompile(regexp.QuoteMeta("alice#a.test moved to alice#c.test")))
	l.stop(t)
	sent := bob.must("to alice#c.test", "send", "alice#c.test", "welcome")
	id := strings.Fields(sent)[1] // "sent ID to ADDRESS"

	al := alice.listen()
	al.waitFor(t, &al.out, regexp.MustCompile(regexp.QuoteMeta("welcome")))
	al.stop(t)
	alice.must("welcome", "messages")
	alice.must("pinned "+id, "favorite", "add", id)
	alice.must("welcome", "favorite", "list")

	if code, _, errOut := alice.run("delete"); code == 0 || !strings.Contains(errOut, "--yes") {
		t.Fatalf("delete without --yes: exit %d, stderr %q", code, errOut)
	}
	alice.must("deleted alice#c.test", "delete", "--yes")
	again := newAccount(t, "again")
	if code, _, errOut := again.run("register", "alice#c.test"); code == 0 || !strings.Contains(errOut, "taken") {
		t.Fatalf("registering the deleted address: exit %d, stderr %q", code, errOut)
	}
}
