package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emsg-project/emsg/reference/server"
	"github.com/emsg-project/emsg/reference/server/config"
)

// clientTimeout bounds every wait of a client test.
const clientTimeout = 20 * time.Second

// startClientLab runs a reference server for a.test in-process and points
// EMSG_RESOLVE at it, as a person would after 'emsg serve --domains'.
func startClientLab(t *testing.T) {
	t.Helper()
	base := config.Defaults()
	base.DataDir = t.TempDir()
	d, err := server.StartDeployment(base, []string{"a.test"})
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

// account is one user of a test: an account directory.
type account struct {
	t   *testing.T
	dir string
}

func newAccount(t *testing.T, name string) account {
	return account{t: t, dir: filepath.Join(t.TempDir(), name)}
}

// run runs `emsg client --dir DIR args...` with a bounded context and
// returns the exit code, stdout and stderr.
func (a account) run(args ...string) (int, string, string) {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	var out, errOut bytes.Buffer
	code := runContext(ctx, append([]string{"client", "--dir", a.dir}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// must runs args and fails the test unless it exits 0 with wantOut in
// stdout.
func (a account) must(wantOut string, args ...string) string {
	a.t.Helper()
	code, out, errOut := a.run(args...)
	if code != 0 || !strings.Contains(out, wantOut) {
		a.t.Fatalf("emsg client %s: exit %d, stdout %q, stderr %q; want 0 and %q", strings.Join(args, " "), code, out, errOut, wantOut)
	}
	return out
}

// listening is a running `emsg client listen`.
type listening struct {
	out, errOut syncBuffer
	cancel      context.CancelFunc
	exit        chan int
}

// listen starts `emsg client listen` and waits until its stream is open.
func (a account) listen() *listening {
	a.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	l := &listening{cancel: cancel, exit: make(chan int, 1)}
	go func() {
		l.exit <- runContext(ctx, []string{"client", "--dir", a.dir, "listen"}, &l.out, &l.errOut)
	}()
	a.t.Cleanup(cancel)
	l.waitFor(a.t, &l.errOut, regexp.MustCompile(`emsg: listening as \S+ \(Ctrl-C to stop\)`))
	return l
}

// waitFor waits until buf holds a match of re, or the listener exits.
func (l *listening) waitFor(t *testing.T, buf *syncBuffer, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.After(clientTimeout)
	for {
		if m := re.FindString(buf.String()); m != "" {
			return m
		}
		select {
		case code := <-l.exit:
			t.Fatalf("listen exited %d early; stdout %q, stderr %q", code, l.out.String(), l.errOut.String())
		case <-deadline:
			t.Fatalf("no %q within %s; stdout %q, stderr %q", re, clientTimeout, l.out.String(), l.errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// stop cancels the listener, as Ctrl-C does, and wants a clean exit.
func (l *listening) stop(t *testing.T) {
	t.Helper()
	l.cancel()
	select {
	case code := <-l.exit:
		if code != 0 {
			t.Fatalf("listen exited %d after Ctrl-C; stderr %q", code, l.errOut.String())
		}
	case <-time.After(clientTimeout):
		t.Fatal("listen did not stop after its context ended")
	}
}

// TestClientTwoUsersTalk walks a person's first session: two accounts
// register, log in, become contacts, and one's message shows in the
// other's live tail and local store.
func TestClientTwoUsersTalk(t *testing.T) {
	startClientLab(t)
	alice, bob := newAccount(t, "alice"), newAccount(t, "bob")

	alice.must("registered alice#a.test", "register", "alice#a.test")
	bob.must("registered bob#a.test", "register", "bob#a.test")
	alice.must("logged in as alice#a.test", "login")
	bob.must("logged in as bob#a.test", "login")

	// Alice asks; Bob sees the request with its note and accepts it.
	alice.must("asked bob#a.test to be a contact", "contacts", "add", "bob#a.test", "--note", "hi, Alice here")
	pending := bob.must("alice#a.test", "contacts")
	if !strings.Contains(pending, "pending_in") {
		t.Fatalf("Bob's contacts %q, want Alice pending_in", pending)
	}
	bob.must("accepted alice#a.test", "contacts", "accept", "alice#a.test")
	if list := alice.must("bob#a.test", "contacts"); list != "bob#a.test  accepted\n" {
		t.Fatalf("Alice's contacts %q, want Bob accepted", list)
	}

	// Bob's live tail shows the request as a notice and Alice's message
	// as one line.
	tail := bob.listen()
	tail.waitFor(t, &tail.errOut, regexp.MustCompile(`emsg: alice#a.test asks to be a contact \(note: "hi, Alice here"\)`))
	alice.must("to bob#a.test", "send", "bob#a.test", "hello", "bob")
	line := regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d alice#a.test: hello bob$`)
	tail.waitFor(t, &tail.out, line)

	// While listen holds Bob's directory, his other commands say so.
	code, _, errOut := bob.run("messages")
	if code != 1 || !strings.Contains(errOut, "emsg: hint: another emsg client") {
		t.Fatalf("messages during listen: exit %d, stderr %q; want 1 and the hint", code, errOut)
	}
	tail.stop(t)
	if strings.Count(tail.out.String(), "\n") != 1 {
		t.Fatalf("listen stdout %q, want exactly the one message line", tail.out.String())
	}

	// Both keep it locally.
	for _, a := range []account{alice, bob} {
		kept := a.must("alice#a.test -> bob#a.test: hello bob", "messages")
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d `).MatchString(kept) {
			t.Fatalf("messages %q, want a time first", kept)
		}
	}
}

// TestClientSendSyncsContacts: an acceptance that came while nothing was
// listening does not stop a send; send fetches the contacts and goes on.
func TestClientSendSyncsContacts(t *testing.T) {
	startClientLab(t)
	alice, carol := newAccount(t, "alice"), newAccount(t, "carol")
	alice.must("registered", "register", "alice#a.test")
	carol.must("registered", "register", "carol#a.test")
	carol.must("asked alice#a.test", "contacts", "add", "alice#a.test")
	alice.must("accepted carol#a.test", "contacts", "accept", "carol#a.test")
	carol.must("to alice#a.test", "send", "alice#a.test", "hi from carol")
	tail := alice.listen()
	tail.waitFor(t, &tail.out, regexp.MustCompile(`(?m) carol#a.test: hi from carol$`))
	tail.stop(t)
}

// TestClientFailures: each way a person can go wrong gets the CLI rule's
// message, its exit code and a hint.
func TestClientFailures(t *testing.T) {
	startClientLab(t)
	alice := newAccount(t, "alice")
	alice.must("registered", "register", "alice#a.test")
	empty := newAccount(t, "empty")

	tests := []struct {
		name     string
		who      account
		args     []string
		wantCode int
		wantErr  string // a fragment of stderr
	}{
		// misuse: exit 2
		{"address with @", alice, []string{"send", "bob@a.test", "hi"}, 2, `emsg: error: bad address "bob@a.test"`},
		{"address without a domain", empty, []string{"register", "alice"}, 2, "emsg: hint: an address is local#domain"},
		{"contacts add without an address", alice, []string{"contacts", "add"}, 2, "emsg: error: accepts 1 arg(s), received 0"},
		{"send without a text", alice, []string{"send", "bob#a.test"}, 2, "emsg: error: requires at least 2 arg(s)"},
		{"unknown subcommand argument", alice, []string{"login", "now"}, 2, "emsg: error: unknown command"},

		// failures: exit 1, with the next step
		{"login before register", empty, []string{"login"}, 1, "emsg: hint: run 'emsg client register ADDRESS' first"},
		{"messages before register", empty, []string{"messages"}, 1, "emsg: error: no keystore"},
		{"send to a stranger", alice, []string{"send", "carol#a.test", "hi"}, 1, "emsg: hint: run 'emsg client contacts add ADDRESS'"},
		{"a second account in one dir", alice, []string{"register", "bob#a.test"}, 1, "emsg: hint: this --dir holds another account"},
		{"an address already taken", newAccount(t, "alice2"), []string{"register", "alice#a.test"}, 1, "emsg: hint: another account has that address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := tt.who.run(tt.args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut, tt.wantCode, tt.wantErr)
			}
		})
	}
}

// TestClientRefusesABadResolverTable: a malformed table is misuse, and
// the variable is named.
func TestClientRefusesABadResolverTable(t *testing.T) {
	t.Setenv("EMSG_RESOLVE", "a.test=127.0.0.1:0")
	t.Setenv("EMSG_RESOLVE_FILE", "")
	code, _, errOut := emsg(t, "client", "--dir", t.TempDir(), "login")
	if code != 2 || !strings.Contains(errOut, "EMSG_RESOLVE") || !strings.Contains(errOut, "emsg: hint: ") {
		t.Fatalf("exit %d, stderr %q; want 2, the variable named and a hint", code, errOut)
	}
}

// TestClientDirDefault: --dir defaults to $EMSG_CLIENT_DIR.
func TestClientDirDefault(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "from-env")
	t.Setenv(clientDirEnv, dir)
	if got := newClientCommand().PersistentFlags().Lookup("dir").DefValue; got != dir {
		t.Fatalf("--dir defaults to %q, want $%s = %q", got, clientDirEnv, dir)
	}
}
