package harness

import (
	"context"
	"time"

	"github.com/emsg-project/emsg/internal/launch"
)

// healthTimeout is how long a started server has to answer its health
// check (docs/CONTAINER.md, C6), before the timeout multiplier.
const healthTimeout = launch.HealthTimeout

// waitHealthy polls GET /emsg/v1/health at hostport (with Host: domain)
// until it answers 200, ctx ends or the timeout passes.
func waitHealthy(ctx context.Context, domain, hostport string, timeout time.Duration) error {
	return launch.WaitHealthy(ctx, domain, hostport, timeout)
}
