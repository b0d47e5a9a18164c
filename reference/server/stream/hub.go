package stream

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Path is where the stream is served.
const Path = "/emsg/v1/stream"

// MaxFrameBytes is the largest client frame accepted; a larger one closes
// the stream with status 1009.
const MaxFrameBytes = 131072

// RecheckInterval is how often every stream's credential is checked again,
// so that a stream outlives its token by at most this long.
const RecheckInterval = 30 * time.Second

// Authenticator returns the account a request is made for, or an error to
// answer with (an *httpapi.Error with code unauthorized when the token is
// missing, unknown, expired or revoked). accounts.Service.Authenticate is
// one.
type Authenticator func(r *http.Request) (address.Address, error)

// Sender processes an envelope sent on a stream exactly as POST /messages
// would: status 202 and the envelope id when accepted; an error (an
// *httpapi.Error, or anything [httpapi.AsError] maps) when refused. The
// messaging package provides it.
type Sender func(ctx context.Context, from address.Address, envelope []byte) (status int, id string, err error)

// Hub owns the open streams of a server. Its methods are safe for
// concurrent use.
type Hub struct {
	st       *store.Store
	cfg      config.Config
	auth     Authenticator
	sender   atomic.Pointer[Sender]
	signaler atomic.Pointer[Signaler]
	upgrader websocket.Upgrader
	recheck  time.Duration

	ctx    context.Context // ended by Close: store and Sender calls
	cancel context.CancelFunc
	wg     sync.WaitGroup // every goroutine the hub started

	mu       sync.Mutex
	closed   bool
	accounts map[string]*account // canonical address -> its streams
}

// account is what the hub knows of one account: its open streams and the
// highest seq sent to any of them. Entries stay after the last stream
// closes, so a later since or ack can be checked against sent.
type account struct {
	conns map[*conn]struct{}
	sent  atomic.Uint64
}

// markSent records that seq was written to one of the account's streams.
func (a *account) markSent(seq uint64) {
	for {
		old := a.sent.Load()
		if seq <= old || a.sent.CompareAndSwap(old, seq) {
			return
		}
	}
}

// New returns a Hub serving the events of st, authenticating with auth.
// cfg.StreamIdleTimeout bounds how long a stream stays open without a
// client frame (no limit when zero). Call [Hub.Close] to end every stream.
func New(st *store.Store, cfg config.Config, auth Authenticator) *Hub {
	return newHub(st, cfg, auth, RecheckInterval)
}

// newHub is New with the credential recheck interval chosen (tests use a
// short one).
func newHub(st *store.Store, cfg config.Config, auth Authenticator, recheck time.Duration) *Hub {
	h := &Hub{st: st, cfg: cfg, auth: auth, recheck: recheck, accounts: map[string]*account{}}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	h.upgrader = websocket.Upgrader{
		ReadBufferSize:  readBufferSize,
		WriteBufferSize: writeBufferSize,
		WriteBufferPool: &sync.Pool{},
		// Tokens are never ambient (no cookies), so a page of another origin
		// gains nothing by opening a stream: browsers of every origin may.
		CheckOrigin: func(*http.Request) bool { return true },
		Error:       handshakeError,
	}
	h.wg.Add(1)
	go h.recheckLoop()
	return h
}

// Routes mounts GET /emsg/v1/stream on m.
func (h *Hub) Routes(m *httpapi.Mux) { m.Handle(http.MethodGet, Path, h.open) }

// SetSender sets the function that processes send frames.
func (h *Hub) SetSender(s Sender) { h.sender.Store(&s) }

// Notify wakes the open streams of addr to push the events stored since
// their last push. Call it after the store.Update that appended them
// returned nil.
func (h *Hub) Notify(addr address.Address) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if a := h.accounts[addr.String()]; a != nil {
		for c := range a.conns {
			c.wake()
		}
	}
}

// Close closes every stream with status 1001 and waits for their
// goroutines; streams opened later are refused with 503 unavailable.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.cancel()
	for _, c := range h.allConns() {
		c.close(websocket.CloseGoingAway, "the server is shutting down")
	}
	h.wg.Wait()
}

// register adds c to its account's streams; false when the hub is closed.
func (h *Hub) register(c *conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	a := h.accountOf(c.addr.String())
	a.conns[c] = struct{}{}
	c.acct = a
	h.wg.Add(1) // the reader, started by the caller
	return true
}

// accountOf returns the record of addr, creating it. h.mu must be held.
func (h *Hub) accountOf(addr string) *account {
	a := h.accounts[addr]
	if a == nil {
		a = &account{conns: map[*conn]struct{}{}}
		h.accounts[addr] = a
	}
	return a
}

// unregister removes c from its account's streams.
func (h *Hub) unregister(c *conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(c.acct.conns, c)
}

// sentTo returns the highest seq sent to addr by this process.
func (h *Hub) sentTo(addr string) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if a := h.accounts[addr]; a != nil {
		return a.sent.Load()
	}
	return 0
}

// isClosed reports whether Close was called.
func (h *Hub) isClosed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed
}
