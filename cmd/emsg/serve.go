package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/emsg-project/emsg/reference/resolve"
	"github.com/emsg-project/emsg/reference/server"
	"github.com/emsg-project/emsg/reference/server/config"
)

// shutdownGrace bounds how long a stopping server waits for requests in
// flight: under the container contract's 10 seconds from SIGTERM to exit
// (docs/CONTAINER.md, C7), with room to close the store.
const shutdownGrace = 8 * time.Second

func newServeCommand() *cobra.Command {
	var domains []string
	goFlags := flag.NewFlagSet("serve", flag.ContinueOnError)
	values := config.RegisterFlags(goFlags)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the reference server for one domain, or a loopback deployment of several",
		Long: `serve runs the EMSG/1 reference server. With --domain (or EMSG_DOMAIN) it serves
one domain on --listen; with --domains it starts one server per domain on
127.0.0.1 at free ports, each with its own data directory under --data-dir,
and prints the resolver table (EMSG_RESOLVE=...) that clients and the
conformance suites reach them by. Every option is in reference/server/ENVIRONMENT.md.`,
		Example: `  emsg serve --domain im.example.com --listen :7000 --data-dir /var/lib/emsg
  emsg serve --domains a.test,b.test,c.test --data-dir /tmp/emsg-lab`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if len(domains) > 0 {
				return serveDeployment(ctx, cmd.OutOrStdout(), values, domains)
			}
			return serveOne(ctx, cmd.OutOrStdout(), values)
		},
	}
	cmd.Flags().AddGoFlagSet(goFlags)
	cmd.Flags().StringSliceVar(&domains, "domains", nil, "serve several domains on loopback, e.g. a.test,b.test,c.test")
	return cmd
}

// serveOne runs a single server until ctx ends.
func serveOne(ctx context.Context, out io.Writer, values map[string]*string) error {
	cfg, err := config.Load(values, os.Getenv)
	if err != nil {
		return usagef("every option is in reference/server/ENVIRONMENT.md", "%v", err)
	}
	table, err := resolve.FromEnv(os.Getenv)
	if err != nil {
		return usagef("the resolver table's syntax is in the spec, section 1", "%v", err)
	}
	s, err := server.New(cfg, server.WithResolver(table))
	if err != nil {
		return failf("%v", err)
	}
	l, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return failf("listen on %s: %v", cfg.Listen, err)
	}
	fmt.Fprintf(out, "serving %s on %s (data in %s, %d domains in the resolver table)\n", cfg.Domain, l.Addr(), cfg.DataDir, table.Len())
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	return waitThenShutdown(ctx, done, s.Shutdown)
}

// serveDeployment runs one server per domain on loopback until ctx ends.
func serveDeployment(ctx context.Context, out io.Writer, values map[string]*string, domains []string) error {
	base, err := config.Load(values, func(k string) string {
		if k == "EMSG_DOMAIN" {
			return domains[0] // each server gets its own domain; this only satisfies the check
		}
		return os.Getenv(k)
	})
	if err != nil {
		return usagef("every option is in reference/server/ENVIRONMENT.md", "%v", err)
	}
	d, err := server.StartDeployment(base, domains)
	if err != nil {
		return failf("%v", err)
	}
	for _, domain := range d.Resolver().Domains() {
		addr, _ := d.Resolver().Lookup(domain)
		fmt.Fprintf(out, "serving %s on %s\n", domain, addr)
	}
	fmt.Fprintf(out, "EMSG_RESOLVE=%s\n", d.Resolver())
	return waitThenShutdown(ctx, d.Done(), d.Shutdown)
}

// waitThenShutdown waits for ctx to end or a server to stop, then shuts down.
func waitThenShutdown(ctx context.Context, done <-chan error, shutdown func(context.Context) error) error {
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-done:
	}
	grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := shutdown(grace); err != nil {
		return failf("shut down: %v", err)
	}
	if serveErr != nil {
		return failf("serve: %v", serveErr)
	}
	return nil
}
