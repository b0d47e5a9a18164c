package ratelimit

import (
	"net"
	"net/http"

	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// KeyFunc names what a request counts against; ok false exempts it (for
// example a request without a valid token, which its handler refuses
// anyway).
type KeyFunc func(r *http.Request) (key string, ok bool)

// Rule limits the requests of one method and path (the URL path exactly,
// without path values) with Limiter, keyed by Key.
type Rule struct {
	Method, Path string
	Limiter      *Limiter
	Key          KeyFunc
}

// Guard answers the requests that exceed their rule's limit with 429
// rate_limited and passes every other request to next.
func Guard(next http.Handler, rules ...Rule) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, rule := range rules {
			if r.Method != rule.Method || r.URL.Path != rule.Path {
				continue
			}
			if key, ok := rule.Key(r); ok {
				if err := rule.Limiter.Allow(key); err != nil {
					httpapi.WriteError(w, err)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// ClientAddress keys a request by the network address of its client (the
// host of RemoteAddr; forwarding headers are not trusted, since anyone can
// send them).
func ClientAddress(r *http.Request) (string, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr, r.RemoteAddr != ""
	}
	return host, true
}
