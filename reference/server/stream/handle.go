package stream

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// handle answers one client text frame. A frame the schema refuses gets an
// error frame and changes nothing (STREAM-FRAME-01).
func (c *conn) handle(msg []byte) {
	if err := spec.ValidateJSON("stream-client-frame", msg); err != nil {
		c.refuse("bad_request", err.Error())
		return
	}
	var f clientFrame
	if err := json.Unmarshal(msg, &f); err != nil { // the schema passed: cannot happen
		c.refuse("bad_request", fmt.Sprintf("decode frame: %v", err))
		return
	}
	switch f.Type {
	case "ping":
		c.reply(pongFrame{Type: "pong"})
	case "ack":
		c.ack(f.Seq)
	case "send":
		c.send(f.Ref, f.Envelope)
	case "signal":
		c.signal(f.Signal)
	}
}

// ack acknowledges every event up to seq for all the account's streams. An
// ack beyond the highest seq sent to the account would acknowledge events
// the client never saw (STREAM-ACK-02): it is refused and changes nothing.
func (c *conn) ack(seq uint64) {
	if sent := c.acct.sent.Load(); seq > sent {
		c.refuse("bad_request", fmt.Sprintf("ack %d is beyond the last event sent (%d)", seq, sent))
		return
	}
	addr := c.addr.String()
	err := c.hub.st.Update(c.hub.ctx, func(tx *store.Tx) error { return tx.Ack(addr, seq) })
	if err != nil {
		slog.Error("stream ack", "address", addr, "seq", seq, "err", err)
		e := httpapi.AsError(err)
		c.refuse(e.Code, e.Message)
	}
}

// send processes an envelope with the hub's Sender and answers with a
// result frame (STREAM-SEND-01).
func (c *conn) send(ref string, envelope []byte) {
	p := c.hub.sender.Load()
	if p == nil {
		c.reply(resultFrame{Type: "result", Ref: ref, Status: http.StatusServiceUnavailable, Error: "unavailable",
			Message: "sending on the stream is not available yet; retry later or use POST /messages"})
		return
	}
	status, id, err := (*p)(c.hub.ctx, c.addr, envelope)
	if err == nil && (status < 200 || status > 299) {
		err = fmt.Errorf("sender answered status %d without an error", status)
	}
	if err != nil {
		e := httpapi.AsError(err)
		c.reply(resultFrame{Type: "result", Ref: ref, Status: e.Status(), Error: e.Code, Message: message(e.Message),
			MovedTo: e.MovedTo, RetryAfter: e.RetryAfter})
		return
	}
	c.reply(resultFrame{Type: "result", Ref: ref, Status: status, ID: id})
}
