package launch

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Server is one server to start from a command template: the values of
// the template's placeholders.
type Server struct {
	Domain      string // {domain}: the domain it serves
	Listen      string // {listen}: host:port to listen on
	ResolveFile string // {resolve_file}: the resolver table file naming every domain
	DataDir     string // {data_dir}: its own data directory
	AdminKeys   string // {admin_keys}: EMSG_ADMIN_KEYS, the operator keys (empty: none)

	// Resolve is an EMSG_RESOLVE to give the server beside its file
	// (empty: none), for a launch that checks how the two combine.
	Resolve string
	// Settings are further EMSG_* variables, such as the short timers a
	// conformance run asks for.
	Settings map[string]string
}

// decided are the variables a launch sets itself: this process's values
// of them are never passed on.
var decided = []string{"EMSG_DOMAIN", "EMSG_LISTEN", "EMSG_RESOLVE", "EMSG_RESOLVE_FILE", "EMSG_DATA_DIR", "EMSG_ADMIN_KEYS"}

// Expand replaces the placeholders of template with s's values.
func (s Server) Expand(template string) string {
	return strings.NewReplacer("{domain}", s.Domain, "{listen}", s.Listen,
		"{resolve_file}", s.ResolveFile, "{data_dir}", s.DataDir, "{admin_keys}", s.AdminKeys).Replace(template)
}

// Env is the same values as environment variables, then the settings in
// name order.
func (s Server) Env() []string {
	env := []string{"EMSG_DOMAIN=" + s.Domain, "EMSG_LISTEN=" + s.Listen,
		"EMSG_RESOLVE_FILE=" + s.ResolveFile, "EMSG_DATA_DIR=" + s.DataDir}
	if s.AdminKeys != "" {
		env = append(env, "EMSG_ADMIN_KEYS="+s.AdminKeys)
	}
	if s.Resolve != "" {
		env = append(env, "EMSG_RESOLVE="+s.Resolve)
	}
	for _, name := range slices.Sorted(maps.Keys(s.Settings)) {
		env = append(env, name+"="+s.Settings[name])
	}
	return env
}

// Command returns the command of template for s: /bin/sh runs the
// expanded line with exec, so the server is the process itself (its pid
// is the command's, and signals reach it), with this process's
// environment and s's variables. This process's own values of the
// variables a launch decides (EMSG_RESOLVE, EMSG_ADMIN_KEYS, ...) are not
// passed on: the server would merge a stray resolver table with its file
// and refuse a domain both name.
func (s Server) Command(template string) *exec.Cmd {
	cmd := exec.Command("/bin/sh", "-c", "exec "+s.Expand(template))
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); !slices.Contains(decided, name) {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, s.Env()...)
	return cmd
}

// Quote quotes s for /bin/sh, for a path in a command template.
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// FreePort returns a loopback address with a port free at the time of
// the call, for a server to listen on.
func FreePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// ErrKilled reports a process that did not stop within its grace time
// after SIGTERM and was killed.
var ErrKilled = errors.New("did not stop after SIGTERM; killed")

// Stop stops a started process: SIGCONT (in case it is paused), SIGTERM,
// then SIGKILL after grace. done is closed (or receives) when the
// process's Wait returned.
func Stop(p *os.Process, done <-chan error, grace time.Duration) error {
	_ = p.Signal(syscall.SIGCONT)
	_ = p.Signal(syscall.SIGTERM)
	select {
	case <-done:
		return nil
	case <-time.After(grace):
		_ = p.Kill()
		<-done
		return fmt.Errorf("%w (grace %v)", ErrKilled, grace)
	}
}
