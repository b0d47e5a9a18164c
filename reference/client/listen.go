package client

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// closeUnauthorized is the WebSocket close status of an expired or revoked
// token.
const closeUnauthorized = 4001

// handshakeTimeout bounds the opening of the stream.
const handshakeTimeout = 10 * time.Second

// frame is a server frame of the stream.
type frame struct {
	Type       string          `json:"type"`
	Seq        uint64          `json:"seq"`
	Event      json.RawMessage `json:"event"`
	ResumeFrom uint64          `json:"resume_from"`
}

// Listen receives the account's events on the WebSocket stream until ctx
// is done, and returns ctx's error then; it returns earlier only when it
// cannot go on (the local store fails, the server refuses the keys).
//
// The stream resumes after the last event processed (GET /stream?since=,
// CLIENT-ACK-01). Each event is processed and stored in one transaction
// with its seq, then handed to h, then acknowledged; an event replayed
// after a lost acknowledgement is acknowledged again without effect, and
// a message is shown once per (from, id) however often it comes
// (CLIENT-DEDUPE-01). Envelopes are opened and checked as section 3 says
// (see [NoticeKind] for those that are not shown); contact events update
// the local contacts, their bundles checked as key changes
// (CLIENT-KEY-03). A dropped stream is reopened, logging in again when
// the token was refused. Messages past their expiry are deleted every
// minute (CLIENT-TTL-01), and a ping goes out after 30 s of silence
// (CLIENT-PING-01).
func (c *Client) Listen(ctx context.Context, h Handler) error {
	if _, err := c.mustIdentity(); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	delay := c.opts.retryDelay
	for {
		connected, err := c.listenOnce(ctx, h)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !c.reconnectable(err) {
			return fmt.Errorf("listen: %w", err)
		}
		if connected {
			delay = c.opts.retryDelay
		}
		if err := sleep(ctx, delay); err != nil {
			return err
		}
		delay = min(2*delay, c.opts.maxRetryDelay)
	}
}

// errStore marks failures of the local store, after which Listen stops.
var errStore = errors.New("local store")

// reconnectable reports whether Listen should open the stream again after
// err: a network failure, a server failure or a refused token, not a
// refusal of the keys nor a failure of the local store.
func (c *Client) reconnectable(err error) bool {
	if errors.Is(err, errStore) {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Temporary() || apiErr.Code == "unauthorized"
	}
	return true
}

// listenOnce runs one stream connection; connected says whether it got as
// far as the ready frame.
func (c *Client) listenOnce(ctx context.Context, h Handler) (connected bool, err error) {
	if _, err := c.currentToken(); err != nil {
		if err := c.Login(ctx); err != nil {
			return false, err
		}
	}
	if _, err := c.store.expire(c.opts.deps.Millis()); err != nil {
		return false, fmt.Errorf("%w: %w", errStore, err)
	}
	conn, err := c.dial(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	frames := make(chan frame)
	readErr := make(chan error, 1)
	done := make(chan struct{})
	defer close(done)
	go readFrames(conn, frames, readErr, done)
	return c.serve(ctx, conn, h, frames, readErr)
}

// dial opens the stream, resuming after the last event processed.
func (c *Client) dial(ctx context.Context) (*websocket.Conn, error) {
	since, err := c.store.lastSeq()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errStore, err)
	}
	url, err := c.table.WebSocketURL(c.domain(), "/emsg/v1/stream?since="+strconv.FormatUint(since, 10))
	if err != nil {
		return nil, fmt.Errorf("stream: %w", err)
	}
	tok, err := c.currentToken()
	if err != nil {
		return nil, err
	}
	d := websocket.Dialer{NetDialContext: c.table.NetDialContext, HandshakeTimeout: handshakeTimeout}
	conn, resp, err := d.DialContext(ctx, url, http.Header{"Authorization": {"Bearer " + tok}})
	if err != nil {
		if resp != nil {
			defer resp.Body.Close()
			raw := make([]byte, 4096)
			n, _ := resp.Body.Read(raw)
			apiErr := apiError(resp, raw[:n])
			c.dropToken(apiErr)
			return nil, fmt.Errorf("stream: %w", apiErr)
		}
		return nil, fmt.Errorf("stream: %w", err)
	}
	return conn, nil
}

// dropToken forgets the token when err says the server no longer takes
// it, so that the next attempt logs in again.
func (c *Client) dropToken(err error) {
	var apiErr *APIError
	unauthorized := errors.As(err, &apiErr) && apiErr.Code == "unauthorized"
	if unauthorized || websocket.IsCloseError(err, closeUnauthorized) {
		c.mu.Lock()
		c.token = ""
		c.mu.Unlock()
	}
}

// readFrames reads conn's frames into frames until it fails, then
// reports the failure, or until done is closed. Frames that are not JSON
// are skipped.
func readFrames(conn *websocket.Conn, frames chan<- frame, readErr chan<- error, done <-chan struct{}) {
	for {
		_, raw, err := conn.ReadMessage()
		if err != nil {
			readErr <- err
			close(frames)
			return
		}
		var f frame
		if json.Unmarshal(raw, &f) != nil {
			continue
		}
		select {
		case frames <- f:
		case <-done:
			return
		}
	}
}

// serve handles frames, pings and expiry on an open stream. It is the only
// writer of conn.
func (c *Client) serve(ctx context.Context, conn *websocket.Conn, h Handler,
	frames <-chan frame, readErr <-chan error) (connected bool, err error) {
	ping := time.NewTimer(c.opts.pingAfter)
	defer ping.Stop()
	expire := time.NewTicker(c.opts.expireEvery)
	defer expire.Stop()
	for {
		select {
		case f, ok := <-frames:
			if !ok {
				err := <-readErr
				c.dropToken(err)
				return connected, fmt.Errorf("stream: %w", err)
			}
			ping.Reset(c.opts.pingAfter)
			if f.Type == "ready" {
				connected = true
				if h.Connected != nil {
					h.Connected(f.ResumeFrom)
				}
			}
			if f.Type == "event" {
				if err := c.handleEvent(ctx, conn, h, f); err != nil {
					return connected, err
				}
			}
		case <-ping.C:
			if err := conn.WriteJSON(map[string]string{"type": "ping"}); err != nil {
				return connected, fmt.Errorf("stream: ping: %w", err)
			}
			ping.Reset(c.opts.pingAfter)
		case <-expire.C:
			if _, err := c.store.expire(c.opts.deps.Millis()); err != nil {
				return connected, fmt.Errorf("%w: %w", errStore, err)
			}
		case <-ctx.Done():
			return connected, ctx.Err()
		}
	}
}

// handleEvent processes, hands over and then acknowledges one event.
func (c *Client) handleEvent(ctx context.Context, conn *websocket.Conn, h Handler, f frame) error {
	if f.Seq == 0 || f.Seq > wire.MaxSafeInteger {
		return nil // not a valid event frame; nothing to acknowledge
	}
	c.prefetchSender(ctx, f.Event)
	out, err := c.process(f.Seq, f.Event)
	if err != nil {
		return fmt.Errorf("%w: %w", errStore, err)
	}
	out.deliver(h)
	if err := conn.WriteJSON(map[string]any{"type": "ack", "seq": f.Seq}); err != nil {
		return fmt.Errorf("stream: ack %d: %w", f.Seq, err)
	}
	return nil
}

// decodeSeq reads a stored seq.
func decodeSeq(v []byte) uint64 {
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}
