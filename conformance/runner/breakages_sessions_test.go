package runner

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httputil"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/conformance/harness"
)

// The sessions suite's breakage lives in its own file; it joins the
// table of breakages_test.go when the package loads.
func init() {
	// sessions: the host lets a peer in whatever signature its ticket or
	// proof carries — to the client it answers ready where the reference
	// refused with bad_signature.
	breakages["session-accepts-bad-signatures"] = breakage{
		domain:     "a.test",
		middleware: acceptBadSignatures,
		suites:     []string{"sessions"},
		focus:      "bad_signature",
		mustFail: map[string]string{
			"sessions/session-socket-refuses-a-ticket-whose-signature-does-not-verify-with-the-host-key-it-names-with-bad-signature": "bad_signature",
			"sessions/session-socket-refuses-a-proof-that-does-not-verify-with-the-peer-s-published-key-with-bad-signature":          "bad_signature",
		},
	}
}

// acceptBadSignatures relays session sockets between the client and the
// server, and turns a refusal with bad_signature into a ready frame (and
// keeps the client's socket open after the server closed its side).
func acceptBadSignatures(next http.Handler) http.Handler {
	rp, _ := next.(*httputil.ReverseProxy)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rp == nil || !isSessionSocket(r) {
			next.ServeHTTP(w, r)
			return
		}
		backend, resp, err := dialBackend(rp, r)
		if err != nil {
			if resp != nil {
				w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
				w.WriteHeader(resp.StatusCode)
				var b bytes.Buffer
				_, _ = b.ReadFrom(resp.Body)
				_, _ = w.Write(b.Bytes())
				return
			}
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer backend.Close()
		up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
		client, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer client.Close()
		relay(client, backend)
	})
}

// isSessionSocket matches GET /emsg/v1/sessions/{id}/ws upgrades.
func isSessionSocket(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/emsg/v1/sessions/") &&
		strings.HasSuffix(r.URL.Path, "/ws") && websocket.IsWebSocketUpgrade(r)
}

// dialBackend opens the same socket at the proxy's backend.
func dialBackend(rp *httputil.ReverseProxy, r *http.Request) (*websocket.Conn, *http.Response, error) {
	pr := &httputil.ProxyRequest{In: r, Out: r.Clone(r.Context())}
	rp.Rewrite(pr)
	url := "ws://" + pr.Out.URL.Host + r.URL.Path
	return websocket.DefaultDialer.DialContext(r.Context(), url, http.Header{"Host": {r.Host}})
}

// relay copies frames and closes both ways until either side ends,
// rewriting the server's first frame if it refuses with bad_signature;
// then the server's close is not passed on: to the client the socket is
// open, as if the host had let it in.
func relay(client, backend *websocket.Conn) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		pipe(client, backend)
	}()
	first, faked := true, false
	for {
		typ, msg, err := backend.ReadMessage()
		if err != nil {
			if !faked {
				passClose(client, err)
			}
			break
		}
		if first && bytes.Contains(msg, []byte(`"error":"bad_signature"`)) {
			msg, faked = []byte(`{"type":"ready","resume_from":0}`), true
		}
		first = false
		if client.WriteMessage(typ, msg) != nil {
			return
		}
	}
	<-done
}

// pipe copies from's frames to to, then passes from's close on.
func pipe(from, to *websocket.Conn) {
	for {
		typ, msg, err := from.ReadMessage()
		if err != nil {
			passClose(to, err)
			return
		}
		if to.WriteMessage(typ, msg) != nil {
			return
		}
	}
}

// passClose ends to as err ended the other side: the same close status,
// or a dropped connection.
func passClose(to *websocket.Conn, err error) {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		_ = to.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(ce.Code, ce.Text), time.Now().Add(time.Second))
	}
	_ = to.Close()
}

var _ harness.Middleware = acceptBadSignatures
