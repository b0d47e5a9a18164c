package stream

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// maxSince is the largest since the spec allows (2^53-1, defs.json count).
const maxSince = 1<<53 - 1

// open serves GET /emsg/v1/stream: every refusal is an HTTP answer in the
// spec's error shape, given before the upgrade.
func (h *Hub) open(w http.ResponseWriter, r *http.Request) {
	addr, err := h.auth(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	since, err := parseSince(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	if h.isClosed() {
		httpapi.WriteError(w, httpapi.Errorf("unavailable", "the server is shutting down; reconnect later"))
		return
	}
	ws, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // handshakeError answered
	}
	c := newConn(h, ws, addr, credentialOf(r))
	if err := c.start(since); err != nil {
		slog.Error("open stream", "address", addr.String(), "err", err)
		c.close(websocket.CloseInternalServerErr, "the server failed; reconnect later")
		c.drainAndClose()
	}
}

// parseSince reads the since parameter: absent, or a JSON integer literal
// from 0 to 2^53-1 (no sign, no leading zero).
func parseSince(r *http.Request) (uint64, error) {
	q := r.URL.Query()
	if !q.Has("since") {
		return 0, nil
	}
	s := q.Get("since")
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > maxSince || strconv.FormatUint(n, 10) != s {
		return 0, httpapi.Errorf("bad_request", "since must be an integer from 0 to %d, not %q", uint64(maxSince), s)
	}
	return n, nil
}

// handshakeError answers a request that is not a valid WebSocket handshake.
// The spec documents 400 bad_request for it, whatever gorilla's status.
func handshakeError(w http.ResponseWriter, _ *http.Request, status int, reason error) {
	if status >= 500 {
		httpapi.WriteError(w, fmt.Errorf("upgrade: %w", reason))
		return
	}
	httpapi.WriteError(w, httpapi.Errorf("bad_request", "not a WebSocket upgrade: %v", reason))
}

// start acknowledges since (clamped to what was sent, STREAM-ACK-02), sends
// the ready frame, registers the stream and starts its reader and the
// replay of every unacknowledged event.
func (c *conn) start(since uint64) error {
	h := c.hub
	addr := c.addr.String()
	if upTo := min(since, h.sentTo(addr)); upTo > 0 {
		if err := h.st.Update(h.ctx, func(tx *store.Tx) error { return tx.Ack(addr, upTo) }); err != nil {
			return fmt.Errorf("acknowledge since=%d: %w", since, err)
		}
	}
	var acked uint64
	err := h.st.View(func(tx *store.Tx) error {
		var err error
		acked, err = tx.AckedSeq(addr)
		return err
	})
	if err != nil {
		return fmt.Errorf("read resume point: %w", err)
	}
	c.cursor = acked
	if err := c.writeJSON(readyFrame{Type: "ready", ResumeFrom: acked}); err != nil {
		return fmt.Errorf("send ready: %w", err)
	}
	if !h.register(c) {
		c.close(websocket.CloseGoingAway, "the server is shutting down")
		c.drainAndClose()
		return nil
	}
	go c.readLoop()
	c.wake()
	// A token revoked between the handshake's check and the registration
	// found no stream to close (Revalidate, a logout, a suspension): check
	// once more, now that the stream can be found.
	h.recheckAll([]*conn{c})
	return nil
}
