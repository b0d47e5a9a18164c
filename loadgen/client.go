package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
)

// wireClient is the simulator's lean client: plain HTTP requests through
// the resolver table and one shared connection pool, no local store. It
// knows just the calls a simulated user makes. The reference client
// library keeps a bbolt store per account, which is far too heavy for
// tens of thousands of users in one process.
type wireClient struct {
	table resolve.Table
	http  *http.Client
}

func newWireClient(table resolve.Table, conns int) *wireClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = conns, conns
	tr.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	return &wireClient{table: table, http: table.Client(tr)}
}

// callError is a refusal in the spec's error shape, or a failure to get
// an answer (Code "network").
type callError struct {
	Status int
	Code   string
	Err    error
}

func (e *callError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Code, e.Err)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Code)
}

func (e *callError) Unwrap() error { return e.Err }

// errorCode returns the spec error code of err for the error counts.
func errorCode(err error) string {
	var ce *callError
	if errors.As(err, &ce) {
		return ce.Code
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	return "other"
}

// do sends method path to domain with a JSON body (raw, or nil) and the
// bearer token (or none), and decodes a 2xx answer into out.
func (c *wireClient) do(ctx context.Context, domain, token, method, path string, raw []byte, out any) error {
	url, err := c.table.URL(domain, path)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return &callError{Code: "network", Err: fmt.Errorf("%s %s: %w", method, path, err)}
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return &callError{Code: "network", Err: fmt.Errorf("%s %s: read answer: %w", method, path, err)}
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(answer, &e)
		if e.Error == "" {
			e.Error = fmt.Sprintf("http_%d", resp.StatusCode)
		}
		return &callError{Status: resp.StatusCode, Code: e.Error}
	}
	if out != nil {
		if err := json.Unmarshal(answer, out); err != nil {
			return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return nil
}

// doJSON is do with a body to encode.
func (c *wireClient) doJSON(ctx context.Context, domain, token, method, path string, body, out any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("%s %s: encode: %w", method, path, err)
	}
	return c.do(ctx, domain, token, method, path, raw, out)
}

// register registers id's bundle; address_taken is success, since the
// keys derive from the seed: a rerun against the same server finds its
// own accounts.
func (c *wireClient) register(ctx context.Context, id *keys.Identity) error {
	err := c.doJSON(ctx, id.Address().Domain, "", "POST", "/emsg/v1/register", map[string]any{"bundle": id.Bundle()}, nil)
	var ce *callError
	if errors.As(err, &ce) && ce.Code == "address_taken" {
		return nil
	}
	return err
}

// login proves id's key and returns a bearer token.
func (c *wireClient) login(ctx context.Context, id *keys.Identity) (string, error) {
	a := id.Address()
	var ch struct {
		Challenge wire.Bytes `json:"challenge"`
	}
	if err := c.doJSON(ctx, a.Domain, "", "POST", "/emsg/v1/login/challenge", map[string]any{"address": a}, &ch); err != nil {
		return "", err
	}
	proof, err := account.NewLoginProof(wire.System(), a, id.SignKey(), ch.Challenge, a.Domain)
	if err != nil {
		return "", fmt.Errorf("login %s: %w", a, err)
	}
	var tok struct {
		Token string `json:"token"`
	}
	if err := c.doJSON(ctx, a.Domain, "", "POST", "/emsg/v1/login", map[string]any{"proof": proof}, &tok); err != nil {
		return "", err
	}
	return tok.Token, nil
}
