// Package fedcall makes single signed federation requests outside the
// transaction queue: a key chain fetch (GET /emsg/v1/federation/keys/...)
// or a best-effort signal (POST /emsg/v1/federation/signals), each signed
// with the server key exactly as the outbox signs its transactions.
package fedcall

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
)

// maxAnswer bounds the answer read.
const maxAnswer = 1 << 20

// Caller signs and sends requests from the server Self. Create it with
// [New]; it is safe for concurrent use.
type Caller struct {
	self   string
	key    fedsig.ServerKey
	table  resolve.Table
	client *http.Client

	mu   sync.Mutex // deps.Rand need not be safe for concurrent use
	deps wire.Deps
}

// New returns a Caller for server self, signing with key and reaching
// peers through table with client (nil: table.Client(nil), which honours
// the table and refuses redirects).
func New(self string, key fedsig.ServerKey, table resolve.Table, client *http.Client, deps wire.Deps) *Caller {
	if client == nil {
		client = table.Client(nil)
	}
	return &Caller{self: self, key: key, table: table, client: client, deps: deps}
}

// Do sends method path (a request-target, query included) with body (nil:
// none) to dest and returns the status and the answer.
func (c *Caller) Do(ctx context.Context, method, dest, path string, body []byte) (int, []byte, error) {
	u, err := c.table.URL(dest, path)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.mu.Lock()
	err = fedsig.SignRequest(c.deps, c.key, c.self, dest, req, body)
	c.mu.Unlock()
	if err != nil {
		return 0, nil, err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s at %s: %w", method, path, dest, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return 0, nil, fmt.Errorf("read answer of %s: %w", dest, err)
	}
	return resp.StatusCode, answer, nil
}
