package harness

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// The settings the harness gives every server it starts, so that the
// suites wait seconds, not the protocol's full timers, where a case
// waits for a timer to fire. They are the reference's variables
// (reference/server/ENVIRONMENT.md); docs/CONTAINER.md (C11) lets a suite
// set such variables and asks servers to ignore those they do not use.
// A server that ignores them is still judged by the spec's own bounds:
// the cases never wait less than the protocol allows, they only end
// sooner when the server acts sooner.
const (
	// SettingAckWait is how long a session host waits for the peer's ack
	// before it falls back to federation (the spec's bound is 30 s).
	SettingAckWait = "EMSG_SESSION_ACK_WAIT"
	// SettingFederationTimeout is how long a server waits on another for
	// one federation request, so that a cut-off peer is given up on at
	// once instead of after the network's own timeouts.
	SettingFederationTimeout = "EMSG_FEDERATION_TIMEOUT"
)

// shortTimers are the timers the harness shortens, before the timeout
// multiplier.
var shortTimers = map[string]time.Duration{
	SettingAckWait:           3 * time.Second,
	SettingFederationTimeout: 3 * time.Second,
}

// ackWaitCap is the spec's bound on the ack wait (SESS-FALLBACK-01): the
// multiplier never stretches the setting beyond it.
const ackWaitCap = 30 * time.Second

// ServerSettings are the EMSG_* variables every server under test starts
// with: the short timers (scaled by the timeout multiplier) with
// c.Settings over them; an empty value drops a setting. The embedded
// target applies them to the reference's configuration, exec sets them in
// each command's environment and container in each container's; an
// external target's servers are already running and get none.
func (c Config) ServerSettings() map[string]string {
	out := map[string]string{}
	if c.Kind == KindExternal {
		return out
	}
	for name, d := range shortTimers {
		d = c.Scale(d)
		if name == SettingAckWait {
			d = min(d, ackWaitCap)
		}
		out[name] = d.String()
	}
	for name, v := range c.Settings {
		if v == "" {
			delete(out, name)
		} else {
			out[name] = v
		}
	}
	return out
}

// ServerDuration is the duration setting name the servers start with
// (0 if none, or if it does not parse): what a case may allow a server
// for that timer.
func (c Config) ServerDuration(name string) time.Duration {
	d, err := time.ParseDuration(c.ServerSettings()[name])
	if err != nil {
		return 0
	}
	return d
}

// environ lists settings as NAME=VALUE, sorted (an environment).
func environ(settings map[string]string) []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(settings)) {
		out = append(out, name+"="+settings[name])
	}
	return out
}

// parseSettings reads EMSG_CONFORM_SETTINGS: NAME=VALUE pairs separated by
// commas (a value may not contain a comma).
func parseSettings(s string) (map[string]string, error) {
	return ParseSettings(splitNonEmpty(s))
}

// ParseSettings reads NAME=VALUE pairs, every name an EMSG_* variable.
func ParseSettings(pairs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, pair := range pairs {
		name, value, ok := strings.Cut(pair, "=")
		if !ok || !strings.HasPrefix(name, "EMSG_") {
			return nil, fmt.Errorf("setting %q: want EMSG_NAME=value (an empty value drops a default)", pair)
		}
		out[name] = value
	}
	return out, nil
}
