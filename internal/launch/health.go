package launch

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// HealthTimeout is how long a started server has to answer its health
// check (docs/CONTAINER.md, C6).
const HealthTimeout = 30 * time.Second

// WaitHealthy polls GET /emsg/v1/health at hostport (with Host: domain)
// until it answers 200, ctx ends or the timeout passes.
func WaitHealthy(ctx context.Context, domain, hostport string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+hostport+"/emsg/v1/health", nil)
		req.Host = domain
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s at %s not healthy after %v: %v", domain, hostport, timeout, last)
		case <-tick.C:
		}
	}
}
