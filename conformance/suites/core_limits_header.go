package suites

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/emsg-project/emsg/conformance/harness"
)

// headerLimit is how long a server may wait for a request's headers
// (LIMIT-HEADER-01), before the timeout multiplier.
const headerLimit = 30 * time.Second

// headerSlack is how much later than headerLimit the suite still counts
// a close as in time: scheduling, and the server's own timer.
const headerSlack = 10 * time.Second

// slowHeaders is the suite's slow client (LIMIT-HEADER-01): one
// connection straight to a server (no proxy, which would wait for the
// headers itself) that sends the start of a request and then a header
// line every few seconds, never the blank line that ends the headers. It
// starts with the first spec of the run, so that by the time its spec
// runs — last, by its priority — the half minute it needs has passed
// alongside the other specs instead of after them.
var slowHeaders struct {
	once        sync.Once
	done        chan struct{}
	domain      string
	closed      bool          // the server closed the connection
	closedAfter time.Duration // after the first bytes
	err         error         // why the observation could not run
}

// startSlowHeaders starts the slow client, once per run.
func startSlowHeaders() {
	slowHeaders.once.Do(func() {
		slowHeaders.done = make(chan struct{})
		go observeSlowHeaders()
	})
}

var _ = BeforeEach(startSlowHeaders)

// slowDomain is the domain the slow client talks to: the second one,
// which no spec restarts (a restart would close the connection too).
func slowDomain() string {
	ds := env.Deployment.Domains()
	return ds[min(1, len(ds)-1)]
}

func observeSlowHeaders() {
	defer close(slowHeaders.done)
	b, ok := env.Deployment.(harness.Backends)
	if !ok {
		slowHeaders.err = fmt.Errorf("a connection straight to a server: %w (the %s target gives no server address)", harness.ErrUnsupported, env.Config.Kind)
		return
	}
	slowHeaders.domain = slowDomain()
	addr, err := b.Backend(slowHeaders.domain)
	if err == nil {
		err = slowClient(addr, slowHeaders.domain)
	}
	slowHeaders.err = err
}

// slowClient sends the headers of a request to addr slowly, and records
// whether and when the server closed the connection.
func slowClient(addr, domain string) error {
	conn, err := net.DialTimeout("tcp", addr, scale(requestTimeout))
	if err != nil {
		return fmt.Errorf("connect to %s at %s: %w", domain, addr, err)
	}
	defer conn.Close()
	start := time.Now()
	if _, err := fmt.Fprintf(conn, "GET /emsg/v1/health HTTP/1.1\r\nHost: %s\r\n", domain); err != nil {
		return fmt.Errorf("write to %s: %w", domain, err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go trickle(conn, stop)
	_ = conn.SetReadDeadline(start.Add(scale(headerLimit) + headerSlack))
	buf := make([]byte, 512)
	for {
		if _, err = conn.Read(buf); err != nil {
			break
		}
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return nil // still open: not closed
	}
	slowHeaders.closed, slowHeaders.closedAfter = true, time.Since(start)
	return nil
}

// trickle sends one more header line every few seconds until stop, so
// that the connection is never idle: only a limit on the whole header
// section ends it.
func trickle(conn net.Conn, stop <-chan struct{}) {
	tick := time.NewTicker(3 * time.Second)
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		case <-tick.C:
			if _, err := fmt.Fprintf(conn, "X-Slow-%d: still coming\r\n", n); err != nil {
				return
			}
		}
	}
}

var _ = Describe("Slow clients", SpecPriority(-1), func() {
	Conformance(Core, "closes a connection whose request headers are not complete within 30 seconds", Reqs("LIMIT-HEADER-01"), func(ctx SpecContext, w *World) {
		startSlowHeaders()
		Eventually(ctx, slowHeaders.done).WithTimeout(scale(headerLimit) + headerSlack + scale(requestTimeout)).Should(BeClosed())
		w.MustControl(slowHeaders.err)
		Expect(slowHeaders.closed).To(BeTrue(), "%s kept a connection open %v after its first header bytes, headers still incomplete",
			slowHeaders.domain, scale(headerLimit)+headerSlack)
		Expect(slowHeaders.closedAfter).To(BeNumerically("<=", scale(headerLimit)+headerSlack))
	}, SpecTimeout(scale(headerLimit)+headerSlack+2*scale(requestTimeout)))
})
