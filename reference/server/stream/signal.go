package stream

import (
	"context"
	"encoding/json"
	"io"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// Signaler processes a signal sent on a stream exactly as POST /signals
// would: nil when accepted (no answer frame), an error (an
// *httpapi.Error, rate_limited with RetryAfter) to answer with an error
// frame (STREAM-SIGNAL-01). The signals package provides it.
type Signaler func(ctx context.Context, from address.Address, signal []byte) error

// SetSignaler sets the function that processes signal frames; without one
// they are refused with not_found (the server does not offer signals).
func (h *Hub) SetSignaler(s Signaler) { h.signaler.Store(&s) }

// PushSignal sends {"type":"signal","signal":signal} to every open stream
// of addr, now or never: signals have no seq, are not stored and are not
// acknowledged (EPH-FRAME-01, EPH-NOSTORE-01).
func (h *Hub) PushSignal(addr address.Address, signal []byte) {
	h.mu.Lock()
	var conns []*conn
	if a := h.accounts[addr.String()]; a != nil {
		for c := range a.conns {
			conns = append(conns, c)
		}
	}
	h.mu.Unlock()
	for _, c := range conns {
		if c.isClosed() {
			continue
		}
		err := c.write(func(w io.Writer) error {
			if _, err := io.WriteString(w, `{"type":"signal","signal":`); err != nil {
				return err
			}
			if _, err := w.Write(signal); err != nil {
				return err
			}
			_, err := io.WriteString(w, "}")
			return err
		})
		if err != nil {
			c.abort()
		}
	}
}

// signal processes a client signal frame.
func (c *conn) signal(raw json.RawMessage) {
	p := c.hub.signaler.Load()
	if p == nil {
		c.refuse("not_found", "this server does not offer signals")
		return
	}
	if err := (*p)(c.hub.ctx, c.addr, raw); err != nil {
		e := httpapi.AsError(err)
		c.reply(signalError{Type: "error", Error: e.Code, Message: message(e.Message), RetryAfter: e.RetryAfter})
	}
}

// signalError is an error frame that may carry retry_after.
type signalError struct {
	Type       string `json:"type"` // "error"
	Error      string `json:"error"`
	Message    string `json:"message"`
	RetryAfter int    `json:"retry_after,omitempty"`
}
