package stream

import (
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// closeTokenGone is the close code of a stream whose token expired or was
// revoked (STREAM-TOKEN-01).
const closeTokenGone = 4001

// credential is what a stream keeps of its opening request to ask the
// Authenticator again: the Authorization header and the access_token
// parameter, nothing else.
type credential struct {
	authorization string
	accessToken   string
}

func credentialOf(r *http.Request) credential {
	return credential{authorization: r.Header.Get("Authorization"), accessToken: r.URL.Query().Get("access_token")}
}

// request rebuilds a stream request carrying only the credential, for
// host (the server's domain).
func (cr credential) request(host string) *http.Request {
	u := &url.URL{Scheme: "http", Host: host, Path: Path}
	if cr.accessToken != "" {
		u.RawQuery = url.Values{"access_token": {cr.accessToken}}.Encode()
	}
	r := &http.Request{Method: http.MethodGet, URL: u, Host: host, Header: http.Header{}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
	if cr.authorization != "" {
		r.Header.Set("Authorization", cr.authorization)
	}
	return r
}

// Revalidate asks the Authenticator again, now, about every open stream of
// addr, closing with status 4001 those whose token no longer holds. The
// accounts package calls it after a logout, the admin API after a
// suspension. It returns at once; the checks run in the background.
func (h *Hub) Revalidate(addr address.Address) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a := h.accounts[addr.String()]
	if h.closed || a == nil || len(a.conns) == 0 {
		return
	}
	conns := make([]*conn, 0, len(a.conns))
	for c := range a.conns {
		conns = append(conns, c)
	}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		h.recheckAll(conns)
	}()
}

// recheckLoop checks every stream's credential each h.recheck until the hub
// closes, so that an expired token ends its streams.
func (h *Hub) recheckLoop() {
	defer h.wg.Done()
	t := time.NewTicker(h.recheck)
	defer t.Stop()
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-t.C:
			h.recheckAll(h.allConns())
		}
	}
}

// allConns returns every open stream.
func (h *Hub) allConns() []*conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	var all []*conn
	for _, a := range h.accounts {
		for c := range a.conns {
			all = append(all, c)
		}
	}
	return all
}

// recheckAll closes with 4001 each of conns whose credential the
// Authenticator now refuses as unauthorized or gives to another account.
// Other failures (the store is busy) leave the stream open until the next
// check.
func (h *Hub) recheckAll(conns []*conn) {
	for _, c := range conns {
		if h.ctx.Err() != nil {
			return
		}
		addr, err := h.auth(c.cred.request(h.cfg.Domain))
		switch {
		case err == nil && addr == c.addr:
		case err == nil || httpapi.AsError(err).Code == "unauthorized":
			c.close(closeTokenGone, "the token expired or was revoked")
		default:
			slog.Warn("recheck stream token", "address", c.addr.String(), "err", err)
		}
	}
}
