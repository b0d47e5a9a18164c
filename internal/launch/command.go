package launch

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
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
}

// Expand replaces the placeholders of template with s's values.
func (s Server) Expand(template string) string {
	return strings.NewReplacer("{domain}", s.Domain, "{listen}", s.Listen,
		"{resolve_file}", s.ResolveFile, "{data_dir}", s.DataDir).Replace(template)
}

// Env is the same values as environment variables.
func (s Server) Env() []string {
	return []string{"EMSG_DOMAIN=" + s.Domain, "EMSG_LISTEN=" + s.Listen,
		"EMSG_RESOLVE_FILE=" + s.ResolveFile, "EMSG_DATA_DIR=" + s.DataDir}
}

// Command returns the command of template for s: /bin/sh runs the
// expanded line with exec, so the server is the process itself (its pid
// is the command's, and signals reach it), with this process's
// environment and s's variables. The server's resolver table is the file:
// an EMSG_RESOLVE this process has is not passed on (the server would
// merge the two and refuse a domain both name).
func (s Server) Command(template string) *exec.Cmd {
	cmd := exec.Command("/bin/sh", "-c", "exec "+s.Expand(template))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "EMSG_RESOLVE=") {
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
