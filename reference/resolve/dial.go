package resolve

import (
	"context"
	"net"
	"time"
)

// DialFunc is the signature of net.Dialer.DialContext, of
// http.Transport.DialContext and of gorilla/websocket's Dialer.NetDialContext.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// defaultDialer is the dialer of http.DefaultTransport, used when no
// fallback is given.
var defaultDialer = &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}

// DialContext connects to addr ("host:port") like net.Dialer.DialContext,
// except that when host is a domain the table maps, it connects to the
// mapped host:port instead, whatever port addr names: the table gives the
// one place a mapped domain's server listens. Any other address (an
// unmapped domain, an IP address, no port) is dialled unchanged with a
// net.Dialer configured as http.DefaultTransport's.
func (t Table) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return t.Dialer(nil)(ctx, network, addr)
}

// NetDialContext is [Table.DialContext] under the name of the field of
// gorilla/websocket's Dialer that takes it:
//
//	d := websocket.Dialer{NetDialContext: table.NetDialContext}
//	u, _ := table.WebSocketURL("a.test", "/emsg/v1/stream") // ws://a.test/emsg/v1/stream when mapped
//	conn, _, err := d.DialContext(ctx, u, header)
//
// The Dialer sends "Host: a.test" from the URL and connects to a.test's
// mapped host:port; for wss:// it dials through NetDialContext and then
// does TLS for the domain itself. Leave the Dialer's Proxy nil (or make it
// return nil for mapped domains): a proxy would be dialled instead.
func (t Table) NetDialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return t.DialContext(ctx, network, addr)
}

// Dialer returns a [DialFunc] that rewrites the address of a mapped domain
// as [Table.DialContext] does and then dials every address, rewritten or
// not, with fallback (nil means a net.Dialer like http.DefaultTransport's).
// Use it to keep a dialer's own timeouts or instrumentation.
func (t Table) Dialer(fallback DialFunc) DialFunc {
	if fallback == nil {
		fallback = defaultDialer.DialContext
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		return fallback(ctx, network, t.rewrite(addr))
	}
}

// rewrite returns the mapped host:port for an addr whose host is a mapped
// domain, and addr unchanged otherwise.
func (t Table) rewrite(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if hostport, ok := t.Lookup(host); ok {
		return hostport
	}
	return addr
}
