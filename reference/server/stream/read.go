package stream

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gorilla/websocket"
)

// readLoop reads client frames until the stream ends, answering each; it
// is the one goroutine an idle stream costs. On the way out it closes the
// connection and removes the stream from the hub.
func (c *conn) readLoop() {
	defer c.hub.wg.Done()
	defer c.hub.unregister(c)
	c.ws.SetCloseHandler(c.onClose)
	c.ws.SetPingHandler(c.onPing)
	for {
		c.extendIdle()
		typ, msg, err := c.ws.ReadMessage()
		if err != nil {
			c.end(err)
			return
		}
		if c.isClosed() {
			continue // closing: the client's last frames get no answer
		}
		if typ != websocket.TextMessage {
			c.refuse("bad_request", "frames are JSON text frames")
			continue
		}
		c.handle(msg)
	}
}

// end closes the stream after the read error err.
func (c *conn) end(err error) {
	switch {
	case c.isClosed(): // we closed: err is the client's answer or the grace passing
	case errors.Is(err, websocket.ErrReadLimit): // gorilla sent 1009
		c.markClosed()
	case isTimeout(err):
		c.close(websocket.CloseNormalClosure, fmt.Sprintf("no client frame for %v", c.hub.cfg.StreamIdleTimeout))
	default: // the client closed (onClose answered) or vanished
		c.markClosed()
		_ = c.ws.Close()
		return
	}
	c.drainAndClose()
}

// extendIdle sets the read deadline a client frame must beat. A closing
// stream keeps the closeGrace deadline: close marks the stream before it
// sets its deadline, so checking after setting ours cannot miss it.
func (c *conn) extendIdle() {
	d := c.hub.cfg.StreamIdleTimeout
	if d <= 0 {
		return
	}
	_ = c.ws.SetReadDeadline(time.Now().Add(d))
	if c.isClosed() {
		_ = c.ws.SetReadDeadline(time.Now().Add(closeGrace))
	}
}

// onClose answers the client's close frame with the same code, unless the
// server already sent its own.
func (c *conn) onClose(code int, _ string) error {
	if c.markClosed() {
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(closeGrace))
	}
	return nil
}

// onPing answers a WebSocket ping; it counts as client activity.
func (c *conn) onPing(data string) error {
	c.extendIdle()
	err := c.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(writeTimeout))
	if err != nil && !errors.Is(err, websocket.ErrCloseSent) && !isTimeout(err) {
		return err
	}
	return nil
}

// reply sends an answer frame; a failure drops the connection.
func (c *conn) reply(v any) {
	if err := c.writeJSON(v); err != nil {
		slog.Debug("stream reply", "address", c.addr.String(), "err", err)
		c.abort()
	}
}

// refuse answers a client frame with an error frame.
func (c *conn) refuse(code, msg string) {
	c.reply(errorFrame{Type: "error", Error: code, Message: message(msg)})
}
