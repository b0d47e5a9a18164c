package harness

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net"

	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reference/server"
	"github.com/emsg-project/emsg/reference/server/config"
)

// Launch starts one more reference server in-process the way `emsg
// serve` starts: the resolver table is read from EMSG_RESOLVE and the
// file EMSG_RESOLVE_FILE names (resolve.FromEnv), the configuration from
// the spec's settings (config.Load), and an entry or a setting they
// refuse stops the start, as does a configuration server.New refuses.
// The server listens on a fresh loopback port, without a proxy.
func (e *embedded) Launch(_ context.Context, spec LaunchSpec) (*Launched, error) {
	data, file, err := writeLaunchFiles(e.dir, spec)
	if err != nil {
		return nil, err
	}
	env := map[string]string{"EMSG_RESOLVE": spec.Resolve, "EMSG_RESOLVE_FILE": file}
	table, err := resolve.FromEnv(func(k string) string { return env[k] })
	if err != nil {
		return &Launched{Refused: true, Output: err.Error()}, nil
	}
	cfg, err := launchConfig(e.cfg.ServerSettings(), spec, data)
	if err != nil {
		return &Launched{Refused: true, Output: err.Error()}, nil
	}
	s, err := server.New(cfg, server.WithResolver(table))
	if err != nil {
		return &Launched{Refused: true, Output: err.Error()}, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = s.Shutdown(context.Background())
		return nil, fmt.Errorf("launch %s: %w", spec.Domain, err)
	}
	go func() {
		if err := s.Serve(l); err != nil {
			slog.Error("launched server stopped", "domain", spec.Domain, "err", err)
		}
	}()
	return &Launched{Addr: l.Addr().String(), stop: s.Shutdown}, nil
}

// launchConfig is the configuration of a launched reference server: its
// domain and data directory, the run's settings and then the spec's own,
// read as `emsg serve` reads its environment.
func launchConfig(run map[string]string, spec LaunchSpec, data string) (config.Config, error) {
	env := maps.Clone(run)
	if env == nil {
		env = map[string]string{}
	}
	maps.Copy(env, spec.Settings)
	env["EMSG_DOMAIN"], env["EMSG_DATA_DIR"] = spec.Domain, data
	return config.Load(nil, func(name string) string { return env[name] })
}
