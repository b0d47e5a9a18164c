package harness

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The target kinds.
const (
	KindEmbedded  = "embedded"
	KindExec      = "exec"
	KindContainer = "container"
	KindExternal  = "external"
)

// Config chooses and describes the target. Every field has an
// environment variable, read by [FromEnv]; `emsg conform` sets the same
// fields from its flags.
type Config struct {
	// Kind is the target: embedded, exec, container or external.
	// EMSG_CONFORM_TARGET; default embedded.
	Kind string
	// Domains are the domains under test. EMSG_CONFORM_DOMAINS
	// (comma-separated); default a.test,b.test,c.test.
	Domains []string
	// Peers are the fake federation peer domains the harness reserves.
	// EMSG_CONFORM_PEERS (none for no peer); default x.test,y.test,z.test.
	Peers []string
	// Command is the exec target's command template, with the
	// placeholders {domain}, {listen}, {resolve_file} and {data_dir}; the
	// same values are also set as EMSG_DOMAIN, EMSG_LISTEN,
	// EMSG_RESOLVE_FILE and EMSG_DATA_DIR. EMSG_CONFORM_COMMAND.
	Command string
	// Images are the container target's images, one for every domain or
	// one per domain in order. EMSG_CONFORM_IMAGES (comma-separated).
	Images []string
	// ResolveFile is the external target's resolver table file.
	// EMSG_CONFORM_RESOLVE_FILE (EMSG_RESOLVE also works).
	ResolveFile string
	// Timeouts multiplies every wait of the suites, for slow
	// implementations. EMSG_CONFORM_TIMEOUT_MULTIPLIER; default 1.
	Timeouts float64
	// Settings are EMSG_* variables for the servers under test, over the
	// harness's short timers (see [Config.ServerSettings]); an empty value
	// drops a default. EMSG_CONFORM_SETTINGS (NAME=VALUE, comma-separated).
	Settings map[string]string
	// Middleware, per domain, wraps that domain's proxy (the suite's own
	// tests break a correct server with it). No variable.
	Middleware map[string]Middleware
	// Operator is the operator key of the admin specs ([Operator]):
	// generated per run for the targets the harness starts
	// ([Config.WithOperator]); for an external target, the servers'
	// operator gives its private half. EMSG_CONFORM_OPERATOR_KEY.
	Operator *Operator
}

// Defaults returns the embedded three-domain configuration.
func Defaults() Config {
	return Config{
		Kind:     KindEmbedded,
		Domains:  []string{"a.test", "b.test", "c.test"},
		Peers:    []string{"x.test", "y.test", "z.test"},
		Timeouts: 1,
	}
}

// FromEnv applies the EMSG_CONFORM_* variables to the defaults.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Defaults()
	if v := getenv("EMSG_CONFORM_TARGET"); v != "" {
		c.Kind = v
	}
	if v := getenv("EMSG_CONFORM_DOMAINS"); v != "" {
		c.Domains = strings.Split(v, ",")
	}
	if v := getenv("EMSG_CONFORM_PEERS"); v == "none" {
		c.Peers = nil
	} else if v != "" {
		c.Peers = splitNonEmpty(v)
	}
	c.Command = getenv("EMSG_CONFORM_COMMAND")
	c.Images = splitNonEmpty(getenv("EMSG_CONFORM_IMAGES"))
	c.ResolveFile = getenv("EMSG_CONFORM_RESOLVE_FILE")
	if v := getenv("EMSG_CONFORM_OPERATOR_KEY"); v != "" {
		op, err := ParseOperator(v)
		if err != nil {
			return c, fmt.Errorf("EMSG_CONFORM_OPERATOR_KEY: %w", err)
		}
		c.Operator = op
	}
	settings, err := parseSettings(getenv("EMSG_CONFORM_SETTINGS"))
	if err != nil {
		return c, fmt.Errorf("EMSG_CONFORM_SETTINGS: %w", err)
	}
	c.Settings = settings
	if v := getenv("EMSG_CONFORM_TIMEOUT_MULTIPLIER"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			return c, fmt.Errorf("EMSG_CONFORM_TIMEOUT_MULTIPLIER %q: want a positive number", v)
		}
		c.Timeouts = f
	}
	return c, c.Check()
}

func splitNonEmpty(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Check reports the first setting that cannot work.
func (c Config) Check() error {
	switch c.Kind {
	case KindEmbedded:
	case KindExec:
		if c.Command == "" {
			return fmt.Errorf("target exec: no command template (--command, EMSG_CONFORM_COMMAND)")
		}
	case KindContainer:
		if len(c.Images) != 1 && len(c.Images) != len(c.Domains) {
			return fmt.Errorf("target container: want one image, or one per domain (%d), got %d", len(c.Domains), len(c.Images))
		}
	case KindExternal:
	default:
		return fmt.Errorf("target %q: want embedded, exec, container or external", c.Kind)
	}
	if len(c.Domains) == 0 {
		return fmt.Errorf("no domains under test")
	}
	if c.Timeouts <= 0 {
		return fmt.Errorf("timeout multiplier %v: want a positive number", c.Timeouts)
	}
	return nil
}

// Scale multiplies a wait by the timeout multiplier.
func (c Config) Scale(d time.Duration) time.Duration {
	return time.Duration(float64(d) * c.Timeouts)
}

// Start starts (or reaches) the target c describes.
func Start(ctx context.Context, c Config) (Deployment, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	c, err := c.WithOperator()
	if err != nil {
		return nil, err
	}
	if c.Kind == KindExternal {
		c.Peers = nil // such servers cannot reach a fake peer on this host
	}
	switch c.Kind {
	case KindExec:
		return StartExec(ctx, c)
	case KindContainer:
		return StartContainers(ctx, c)
	case KindExternal:
		return External(c)
	}
	return StartEmbedded(ctx, c)
}
