package launch

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestCommand expands every placeholder, sets the same values in the
// environment, leaves out an inherited EMSG_RESOLVE, and runs the line
// through /bin/sh so that a quoted path with a space survives.
func TestCommand(t *testing.T) {
	t.Setenv("EMSG_RESOLVE", "x.test=127.0.0.1:1")
	s := Server{Domain: "a.test", Listen: "127.0.0.1:7001", ResolveFile: "/tmp/r.conf", DataDir: "/tmp/it's data"}
	if got := s.Expand("srv --domain {domain} --listen {listen} -r {resolve_file} -d {data_dir}"); got != "srv --domain a.test --listen 127.0.0.1:7001 -r /tmp/r.conf -d /tmp/it's data" {
		t.Errorf("Expand: got %q", got)
	}
	cmd := s.Command("printf '%s|%s|%s' " + Quote(s.DataDir) + ` "$EMSG_DOMAIN" "${EMSG_RESOLVE:-none}"`)
	if slices.ContainsFunc(cmd.Env, func(kv string) bool { return strings.HasPrefix(kv, "EMSG_RESOLVE=") }) {
		t.Errorf("the command inherits EMSG_RESOLVE")
	}
	out, err := cmd.Output()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		t.Fatalf("%v: %s", err, ee.Stderr)
	} else if err != nil {
		t.Fatal(err)
	}
	if got, want := string(out), "/tmp/it's data|a.test|none"; got != want {
		t.Errorf("the command printed %q, want %q", got, want)
	}
}
