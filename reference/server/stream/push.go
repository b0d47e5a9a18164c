package stream

import (
	"fmt"
	"log/slog"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/server/store"
)

// pushBatch is how many events one store read returns.
const pushBatch = 64

// wake asks the stream to push what the store holds after its cursor. A
// pusher goroutine is started only if none runs; a running one looks again
// before it exits, so no wake-up is lost.
func (c *conn) wake() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.dirty = true
	if c.pushing {
		return
	}
	c.pushing = true
	c.hub.wg.Add(1) // the reader still runs, so the count is not zero
	go c.push()
}

// push sends events until a look at the store finds nothing new, then
// exits: an idle stream has no pusher.
func (c *conn) push() {
	defer c.hub.wg.Done()
	for c.takeDirty() {
		if err := c.pushPending(); err != nil {
			slog.Debug("stream push", "address", c.addr.String(), "err", err)
			c.stopPushing()
			if c.isClosed() {
				return
			}
			c.close(websocket.CloseInternalServerErr, "the server failed; reconnect later")
			return
		}
	}
}

// takeDirty consumes a wake-up; false (and the pusher stops) when there is
// none or the stream is closing.
func (c *conn) takeDirty() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || !c.dirty {
		c.pushing = false
		return false
	}
	c.dirty = false
	return true
}

// stopPushing records that the pusher exits.
func (c *conn) stopPushing() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pushing = false
}

// pushPending sends, in order, every stored event after the cursor. Only
// what the store returns is sent, so only durable events reach the wire.
func (c *conn) pushPending() error {
	addr := c.addr.String()
	for !c.isClosed() {
		var events []store.Event
		err := c.hub.st.View(func(tx *store.Tx) error {
			var err error
			events, err = tx.Events(addr, c.cursor, pushBatch)
			return err
		})
		if err != nil {
			return fmt.Errorf("read events of %s after %d: %w", addr, c.cursor, err)
		}
		for _, ev := range events {
			switch c.hub.judge(ev.Data) { // expiry.go
			case hold:
				return nil // the sweep wakes the stream
			case passOver:
				c.cursor = ev.Seq
				continue
			}
			// Marked before the write: a client may read the frame and
			// acknowledge it before writeEvent returns, and that ack must
			// not be refused as beyond the last event sent.
			c.acct.markSent(ev.Seq)
			if err := c.writeEvent(ev.Seq, ev.Data); err != nil {
				c.abort()
				return err
			}
			c.cursor = ev.Seq
		}
		if len(events) < pushBatch {
			return nil
		}
	}
	return nil
}
