package harness

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// Launcher is offered by the targets that start the servers themselves
// (embedded, exec, container): it starts one more server of the
// implementation under test, for a domain of the spec's choosing, with
// the resolver table the spec gives, and reports whether it started or
// refused to (RESOLVE-ENV-01, RESOLVE-FILE-01, RESOLVE-BAD-01). The extra
// server is no part of the deployment: no proxy, no operator key, its
// own data.
type Launcher interface {
	Launch(ctx context.Context, spec LaunchSpec) (*Launched, error)
}

// LaunchSpec says how the extra server is started.
type LaunchSpec struct {
	// Domain is the domain it serves (EMSG_DOMAIN, {domain}).
	Domain string
	// Resolve is the value of EMSG_RESOLVE; "" leaves it unset.
	Resolve string
	// ResolveFile is the text of the resolver table file named by
	// EMSG_RESOLVE_FILE (and {resolve_file}). The file is always written:
	// without text it holds a comment only, an empty table.
	ResolveFile string
	// Settings are further EMSG_* variables the server starts with, such
	// as the reference's EMSG_SESSION_TICKET_TTL
	// (reference/server/ENVIRONMENT.md); docs/CONTAINER.md (C11) asks a
	// server to ignore those it does not use, so a spec checks what the
	// server made of them.
	Settings map[string]string
}

// Launched is what became of a launch: the server refused to start
// (Refused, with what it said in Output), or it serves at Addr until
// Stop.
type Launched struct {
	Refused bool
	// Output is what the server wrote (exec), or the error it refused
	// with (embedded).
	Output string
	// Addr is the host:port it serves on, when it started.
	Addr string
	stop func(context.Context) error
}

// Stop stops a server that started; it does nothing for a refusal.
func (l *Launched) Stop(ctx context.Context) error {
	if l.stop == nil {
		return nil
	}
	return l.stop(ctx)
}

// emptyTable is the text of a resolver table file without entries.
const emptyTable = "# no entries: the conformance suite's empty resolver table\n"

// writeLaunchFiles makes a fresh directory under parent for a launch:
// its data directory and its resolver table file.
func writeLaunchFiles(parent string, spec LaunchSpec) (data, resolveFile string, err error) {
	dir, err := os.MkdirTemp(parent, "launch-"+spec.Domain+"-")
	if err != nil {
		return "", "", fmt.Errorf("launch %s: %w", spec.Domain, err)
	}
	data, resolveFile = filepath.Join(dir, "data"), filepath.Join(dir, "resolve.conf")
	text := spec.ResolveFile
	if text == "" {
		text = emptyTable
	}
	if err := os.MkdirAll(data, 0o700); err != nil {
		return "", "", fmt.Errorf("launch %s: %w", spec.Domain, err)
	}
	if err := os.WriteFile(resolveFile, []byte(text), 0o644); err != nil {
		return "", "", fmt.Errorf("launch %s: resolver file: %w", spec.Domain, err)
	}
	return data, resolveFile, nil
}
