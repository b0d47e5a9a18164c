package stream

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/address"
)

const (
	// readBufferSize is each stream's own buffer: enough for a frame header
	// and any control frame; larger payloads are read past it.
	readBufferSize = 512
	// writeBufferSize is the size of the pooled write buffers: most frames
	// fit in one, larger ones go out in several WebSocket frames.
	writeBufferSize = 4096
	// writeTimeout bounds one frame write: a client that does not read
	// for that long loses its stream.
	writeTimeout = 10 * time.Second
	// closeGrace is how long a closing stream waits for the client's close
	// frame before dropping the TCP connection.
	closeGrace = time.Second
)

// conn is one open stream. The reader goroutine ([conn.readLoop]) owns the
// reading side; writes of every goroutine go through writeMu.
type conn struct {
	hub  *Hub
	ws   *websocket.Conn
	addr address.Address
	cred credential
	acct *account // set by Hub.register

	writeMu sync.Mutex

	mu      sync.Mutex
	closed  bool // a close frame was sent or the connection dropped
	pushing bool // a pusher goroutine runs
	dirty   bool // events may have arrived since the pusher last looked

	cursor uint64 // the last seq read for this stream; owned by the pusher
}

func newConn(h *Hub, ws *websocket.Conn, addr address.Address, cred credential) *conn {
	ws.SetReadLimit(MaxFrameBytes)
	return &conn{hub: h, ws: ws, addr: addr, cred: cred}
}

// writeJSON sends v as one text frame.
func (c *conn) writeJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode frame: %w", err)
	}
	return c.write(func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// writeEvent sends {"type":"event","seq":seq,"event":data} without copying
// data, which the store holds as the event's JSON.
func (c *conn) writeEvent(seq uint64, data []byte) error {
	return c.write(func(w io.Writer) error {
		var head [48]byte
		b := append(head[:0], `{"type":"event","seq":`...)
		b = strconv.AppendUint(b, seq, 10)
		b = append(b, `,"event":`...)
		if _, err := w.Write(b); err != nil {
			return err
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
		_, err := w.Write([]byte{'}'})
		return err
	})
}

// write sends one text frame whose content fill writes, under the write
// lock and the write deadline.
func (c *conn) write(fill func(io.Writer) error) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.ws.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return fmt.Errorf("write frame: %w", err)
	}
	w, err := c.ws.NextWriter(websocket.TextMessage)
	if err != nil {
		return fmt.Errorf("write frame: %w", err)
	}
	if err := fill(w); err != nil {
		_ = w.Close()
		return fmt.Errorf("write frame: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("write frame: %w", err)
	}
	return nil
}

// close starts the closing handshake with code and reason: it sends the
// close frame once and gives the reader closeGrace to see the client's
// answer, after which the reader drops the connection.
func (c *conn) close(code int, reason string) {
	if !c.markClosed() {
		return
	}
	deadline := time.Now().Add(closeGrace)
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), deadline)
	_ = c.ws.UnderlyingConn().SetReadDeadline(deadline)
}

// abort drops the connection without a closing handshake (it is broken).
func (c *conn) abort() {
	c.markClosed()
	_ = c.ws.Close()
}

// markClosed records that the stream is closing; false if it already was.
func (c *conn) markClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.closed = true
	return true
}

// isClosed reports whether the stream is closing.
func (c *conn) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// drainAndClose waits, at most closeGrace, for the client to end the
// connection, discarding what it still sends (its close frame, the rest of
// an oversized frame), then closes it. Closing at once with unread data
// would reset the connection, and the client could lose the close frame.
func (c *conn) drainAndClose() {
	nc := c.ws.UnderlyingConn()
	_ = nc.SetReadDeadline(time.Now().Add(closeGrace))
	var buf [256]byte
	for {
		if _, err := nc.Read(buf[:]); err != nil {
			break
		}
	}
	_ = c.ws.Close()
}

// isTimeout reports whether err is a read deadline passing.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
