package suites

import (
	"time"

	"github.com/emsg-project/emsg/conformance/fakepeer"
	"github.com/emsg-project/emsg/conformance/harness"
)

// Env is what the specs run against: the deployment, its configuration
// and the fake peers (none when the target cannot reach them): Peer is
// the first, Peers all of them in the order of Config.Peers.
type Env struct {
	Deployment harness.Deployment
	Config     harness.Config
	Peer       *fakepeer.Peer
	Peers      []*fakepeer.Peer
}

// env is set by Use before the specs run.
var env *Env

// Use sets the environment the specs run against.
func Use(e *Env) { env = e }

// scale multiplies a wait by the run's timeout multiplier.
func scale(d time.Duration) time.Duration {
	if env == nil {
		return d
	}
	return env.Config.Scale(d)
}
