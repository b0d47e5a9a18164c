package resolve

import (
	"fmt"
	"net/http"
	"net/url"
)

// Transport returns a clone of base (http.DefaultTransport when nil) that
// connects to the mapped host:port of a mapped domain: its DialContext is
// [Table.Dialer] of base's DialContext, and its Proxy is skipped for mapped
// domains, so that
//
//	http.Client{Transport: table.Transport(nil)}.Get("http://a.test/emsg/v1/health")
//
// reaches a.test's server with "Host: a.test". base is not modified.
func (t Table) Transport(base *http.Transport) *http.Transport {
	if base == nil {
		base = http.DefaultTransport.(*http.Transport)
	}
	tr := base.Clone()
	tr.DialContext = t.Dialer(base.DialContext)
	if proxy := base.Proxy; proxy != nil {
		tr.Proxy = func(req *http.Request) (*url.URL, error) {
			if _, mapped := t.Lookup(req.URL.Hostname()); mapped {
				return nil, nil
			}
			return proxy(req)
		}
	}
	return tr
}

// Client returns an HTTP client for EMSG requests: it uses
// [Table.Transport] of base, refuses plain http:// to a domain the table
// does not map ([ErrPlainHTTP], RESOLVE-TLS-01) and never follows a
// redirect ([ErrRedirect], ADDR-REDIRECT-01). It sets no timeout: give each
// request a context with a deadline.
func (t Table) Client(base *http.Transport) *http.Client {
	return &http.Client{
		Transport: plainGuard{table: t, next: t.Transport(base)},
		CheckRedirect: func(req *http.Request, _ []*http.Request) error {
			return fmt.Errorf("%w: to %s", ErrRedirect, req.URL.Redacted())
		},
	}
}

// plainGuard is the round tripper of [Table.Client]: it lets plain HTTP
// through only to mapped domains.
type plainGuard struct {
	table Table
	next  http.RoundTripper
}

var _ http.RoundTripper = plainGuard{}

func (g plainGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" {
		if _, mapped := g.table.Lookup(req.URL.Hostname()); !mapped {
			if req.Body != nil {
				req.Body.Close() // a RoundTripper closes the body, even on error
			}
			return nil, fmt.Errorf("%w: %s", ErrPlainHTTP, req.URL.Redacted())
		}
	}
	return g.next.RoundTrip(req)
}
