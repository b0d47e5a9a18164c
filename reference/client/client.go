package client

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/resolve"
)

// Client is one account's EMSG/1 client, working from a directory that
// holds its keystore and its local store. Make one with [New]; it is safe
// for concurrent use, and one process at a time may use a directory.
type Client struct {
	dir   string
	table resolve.Table
	http  *http.Client
	opts  options
	store *localStore

	mu    sync.Mutex
	id    *keys.Identity // nil until registered
	token string         // bearer token, in memory only
}

// options are what [Option]s set.
type options struct {
	deps          wire.Deps
	ttl           int           // seconds, for messages sent
	attempts      int           // tries of a send that fails temporarily
	retryDelay    time.Duration // first wait between tries, doubling
	maxRetryDelay time.Duration
	pingAfter     time.Duration // silence before a ping (CLIENT-PING-01)
	expireEvery   time.Duration // how often Listen deletes expired messages
	httpClient    *http.Client
}

// Option configures a [Client].
type Option func(*options)

// WithDeps sets the randomness and clock (default [wire.System]); tests
// pass seeded ones.
func WithDeps(d wire.Deps) Option { return func(o *options) { o.deps = d } }

// WithTTL sets the ttl, in seconds, of the messages the client sends
// (default 604800, the spec's default).
func WithTTL(seconds int) Option { return func(o *options) { o.ttl = seconds } }

// WithRetry sets how often a send that fails temporarily (no answer, a
// 5xx, rate_limited) is tried in all, and the first wait between tries,
// which doubles up to a minute. Default: 5 tries, 500 ms.
func WithRetry(attempts int, delay time.Duration) Option {
	return func(o *options) { o.attempts, o.retryDelay = max(attempts, 1), delay }
}

// WithPingInterval sets how long the stream may be silent before the
// client sends a ping (default 30 s, CLIENT-PING-01).
func WithPingInterval(d time.Duration) Option { return func(o *options) { o.pingAfter = d } }

// WithHTTPClient replaces the HTTP client (default: the resolver table's,
// [resolve.Table.Client]), for a proxy or a custom transport.
func WithHTTPClient(h *http.Client) Option { return func(o *options) { o.httpClient = h } }

// New opens the client whose keystore and local store are in dir
// (created with mode 0700 when missing), reaching servers through table.
// A directory without a keystore gives a client that can only
// [Client.Register]; a keystore others may read is [ErrKeystoreMode].
func New(dir string, table resolve.Table, opts ...Option) (*Client, error) {
	o := options{
		deps:          wire.System(),
		ttl:           604800,
		attempts:      5,
		retryDelay:    500 * time.Millisecond,
		maxRetryDelay: time.Minute,
		pingAfter:     30 * time.Second,
		expireEvery:   time.Minute,
	}
	for _, opt := range opts {
		opt(&o)
	}
	id, err := LoadIdentity(dir)
	if err != nil && !errors.Is(err, ErrNoIdentity) {
		return nil, fmt.Errorf("client: %w", err)
	}
	st, err := openStore(dir)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	h := o.httpClient
	if h == nil {
		h = table.Client(nil)
	}
	return &Client{dir: dir, table: table, http: h, opts: o, store: st, id: id}, nil
}

// Close closes the local store. Calls in progress fail.
func (c *Client) Close() error { return c.store.close() }

// Address returns the account's address, or the zero Address before
// registration.
func (c *Client) Address() address.Address {
	if id := c.identity(); id != nil {
		return id.Address()
	}
	return address.Address{}
}

// Bundle returns the account's current key bundle; ok is false before
// registration.
func (c *Client) Bundle() (b keys.Bundle, ok bool) {
	if id := c.identity(); id != nil {
		return id.Bundle(), true
	}
	return keys.Bundle{}, false
}

func (c *Client) identity() *keys.Identity {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.id
}

// mustIdentity returns the identity or [ErrNoIdentity].
func (c *Client) mustIdentity() (*keys.Identity, error) {
	if id := c.identity(); id != nil {
		return id, nil
	}
	return nil, ErrNoIdentity
}

// domain is the account's server.
func (c *Client) domain() string { return c.Address().Domain }
