package harness

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
)

// Middleware wraps the handler of a proxy: the suite's own tests use it
// to break one behaviour of a correct server (and check that the right
// specs fail).
type Middleware func(next http.Handler) http.Handler

// Proxy is the loopback reverse proxy in front of one domain. It keeps
// the Host header (the domain), passes WebSocket upgrades through, and
// can cut the domain off: while cut off, every request and every
// connection in flight fails as if the network were down.
type Proxy struct {
	listener net.Listener
	server   *http.Server
	backend  atomic.Pointer[url.URL]
	cut      atomic.Bool
	mu       sync.Mutex
	conns    map[net.Conn]struct{}
}

// NewProxy listens on a fresh loopback port and forwards to backend
// (host:port), through mw if not nil.
func NewProxy(backend string, mw Middleware) (*Proxy, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	p := &Proxy{listener: l, conns: map[net.Conn]struct{}{}}
	p.SetBackend(backend)
	var h http.Handler = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(p.backend.Load())
			r.Out.Host = r.In.Host
		},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) { p.drop(w) },
	}
	if mw != nil {
		h = mw(h)
	}
	p.server = &http.Server{Handler: p.gate(h)}
	go func() { _ = p.server.Serve(trackingListener{l, p}) }()
	return p, nil
}

// Addr is the proxy's host:port, what resolver tables map the domain to.
func (p *Proxy) Addr() string { return p.listener.Addr().String() }

// SetBackend points the proxy at a new host:port (after a restart).
func (p *Proxy) SetBackend(hostport string) {
	p.backend.Store(&url.URL{Scheme: "http", Host: hostport})
}

// CutOff makes the domain unreachable: open connections are closed and
// new requests are dropped without an answer.
func (p *Proxy) CutOff() {
	p.cut.Store(true)
	p.mu.Lock()
	open := make([]net.Conn, 0, len(p.conns))
	for c := range p.conns {
		open = append(open, c)
	}
	p.mu.Unlock()
	for _, c := range open {
		c.Close()
	}
}

// Restore reconnects the domain.
func (p *Proxy) Restore() { p.cut.Store(false) }

// Close stops the proxy.
func (p *Proxy) Close() error {
	err := p.server.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// gate drops requests while the domain is cut off.
func (p *Proxy) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.cut.Load() {
			p.drop(w)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// drop closes the client's connection without an answer, as a failed
// network would.
func (p *Proxy) drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// trackingListener records every accepted connection (also those a
// WebSocket upgrade hijacks), so CutOff can close them.
type trackingListener struct {
	net.Listener
	p *Proxy
}

func (l trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.p.mu.Lock()
	defer l.p.mu.Unlock()
	if l.p.cut.Load() {
		c.Close()
		return &trackedConn{Conn: c, p: l.p}, nil
	}
	tc := &trackedConn{Conn: c, p: l.p}
	l.p.conns[tc] = struct{}{}
	return tc, nil
}

// trackedConn forgets itself when closed.
type trackedConn struct {
	net.Conn
	p    *Proxy
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.p.mu.Lock()
		delete(c.p.conns, c)
		c.p.mu.Unlock()
	})
	return c.Conn.Close()
}
