package sessions

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/spec"
)

const (
	// maxFrameBytes is the largest client frame, as on the event stream.
	maxFrameBytes = 131072
	// writeTimeout bounds one frame write.
	writeTimeout = 10 * time.Second
	// closeGrace is how long a closing socket waits for the peer's close.
	closeGrace = time.Second
	// CloseEnded is the status a host closes a socket with when its
	// session ended (section 5).
	CloseEnded = 4002
)

// offered is an envelope sent on the socket and not yet acknowledged.
type offered struct {
	id string      // the envelope id (its held item)
	at wire.Millis // when it was sent
}

// socket is the peer's open session socket. Its reader goroutine owns the
// reading side; writes go through writeMu.
type socket struct {
	s    *Service
	ws   *websocket.Conn
	sess *session // set once the open succeeded

	writeMu sync.Mutex
	seq     uint64 // the last seq sent; guarded by writeMu

	mu        sync.Mutex
	closed    bool
	peerEnded bool // the peer closed with 1000: it ends the session
	pending   map[uint64]offered
}

func newSocket(s *Service, ws *websocket.Conn) *socket {
	ws.SetReadLimit(maxFrameBytes)
	return &socket{s: s, ws: ws, pending: map[uint64]offered{}}
}

// writeJSON sends v as one text frame.
func (sock *socket) writeJSON(v any) error {
	sock.writeMu.Lock()
	defer sock.writeMu.Unlock()
	return sock.writeLocked(v)
}

func (sock *socket) writeLocked(v any) error {
	_ = sock.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	if err := sock.ws.WriteJSON(v); err != nil {
		return fmt.Errorf("write frame: %w", err)
	}
	return nil
}

// refuseOpen answers a failed open with an error frame, then closes.
func (sock *socket) refuseOpen(err error) {
	e := httpapi.AsError(err)
	_ = sock.writeJSON(errorFrame{Type: "error", Error: e.Code, Message: message(e.Message)})
	sock.close(websocket.ClosePolicyViolation, e.Code)
	sock.drain()
}

// serve sends ready and answers frames until the socket ends, then falls
// back what is pending and, on a normal closure by the peer, ends the
// session.
func (sock *socket) serve() {
	if err := sock.writeJSON(readyFrame{Type: "ready", ResumeFrom: 0}); err != nil {
		sock.finish(err)
		return
	}
	sock.ws.SetCloseHandler(sock.onClose)
	for {
		_ = sock.ws.SetReadDeadline(time.Time{})
		typ, msg, err := sock.ws.ReadMessage()
		if err != nil {
			sock.finish(err)
			return
		}
		if sock.isClosed() {
			continue
		}
		if typ != websocket.TextMessage {
			sock.refuse("bad_request", "frames are JSON text frames")
			continue
		}
		sock.handle(msg)
	}
}

// finish ends the socket after the read error err.
func (sock *socket) finish(err error) {
	s := sock.s
	sock.markClosed()
	s.reg.detach(sock.sess, sock)
	sock.fallBackPending()
	if sock.endedByPeer() {
		s.endSession(sock.sess) // the peer ended it (SESS-END-01)
	} else if err != nil && !isCloseOrTimeout(err) {
		slog.Debug("session socket", "session", sock.sess.ticket.ID, "err", err)
	}
	_ = sock.ws.Close()
}

// onClose answers the peer's close frame with the same code.
func (sock *socket) onClose(code int, _ string) error {
	if sock.markClosed() {
		sock.mu.Lock()
		sock.peerEnded = code == websocket.CloseNormalClosure
		sock.mu.Unlock()
		_ = sock.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(closeGrace))
	}
	return nil
}

// handle answers one frame of the event stream's client frames.
func (sock *socket) handle(msg []byte) {
	if err := spec.ValidateJSON("stream-client-frame", msg); err != nil {
		sock.refuse("bad_request", err.Error())
		return
	}
	var f clientFrame
	if err := json.Unmarshal(msg, &f); err != nil {
		sock.refuse("bad_request", fmt.Sprintf("decode frame: %v", err))
		return
	}
	switch f.Type {
	case "ping":
		sock.reply(pongFrame{Type: "pong"})
	case "ack":
		sock.ack(f.Seq)
	case "send":
		sock.send(f.Ref, f.Envelope)
	default:
		sock.refuse("bad_request", fmt.Sprintf("a session socket takes ack, send and ping frames, not %s", f.Type))
	}
}

// send accepts an envelope from the peer and answers with a result frame.
func (sock *socket) send(ref string, raw []byte) {
	status, id, err := sock.s.acceptFromPeer(sock.sess, raw)
	if err != nil {
		e := httpapi.AsError(err)
		sock.reply(resultFrame{Type: "result", Ref: ref, Status: e.Status(), Error: e.Code, Message: message(e.Message),
			MovedTo: e.MovedTo, RetryAfter: e.RetryAfter})
		return
	}
	sock.reply(resultFrame{Type: "result", Ref: ref, Status: status, ID: id})
}

// offer sends a held envelope to the peer; if the socket is closing, the
// envelope falls back at once.
func (sock *socket) offer(id string, raw []byte) {
	sock.writeMu.Lock()
	defer sock.writeMu.Unlock()
	sock.mu.Lock()
	if sock.closed {
		sock.mu.Unlock()
		sock.s.fallBack(sock.sess.ticket.ID, []string{id})
		return
	}
	sock.seq++
	seq := sock.seq
	sock.pending[seq] = offered{id: id, at: sock.s.now()}
	sock.mu.Unlock()
	frame := json.RawMessage(`{"type":"event","seq":` + strconv.FormatUint(seq, 10) + `,"event":{"kind":"envelope","envelope":` + string(raw) + `}}`)
	if err := sock.writeLocked(frame); err != nil {
		slog.Debug("session offer", "session", sock.sess.ticket.ID, "err", err)
		sock.abort() // the reader ends and falls back what is pending
	}
}

// ack acknowledges every envelope up to seq.
func (sock *socket) ack(seq uint64) {
	sock.writeMu.Lock()
	sent := sock.seq
	sock.writeMu.Unlock()
	if seq > sent {
		sock.refuse("bad_request", fmt.Sprintf("ack %d is beyond the last event sent (%d)", seq, sent))
		return
	}
	ids := sock.take(func(n uint64, _ offered) bool { return n <= seq })
	if err := sock.s.delivered(sock.sess, ids); err != nil {
		slog.Error("session ack", "session", sock.sess.ticket.ID, "err", err)
		e := httpapi.AsError(err)
		sock.refuse(e.Code, e.Message)
	}
}

// take removes and returns, in seq order, the pending envelopes that match.
func (sock *socket) take(match func(uint64, offered) bool) []string {
	sock.mu.Lock()
	defer sock.mu.Unlock()
	var seqs []uint64
	for n, o := range sock.pending {
		if match(n, o) {
			seqs = append(seqs, n)
		}
	}
	slices.Sort(seqs)
	ids := make([]string, len(seqs))
	for i, n := range seqs {
		ids[i] = sock.pending[n].id
		delete(sock.pending, n)
	}
	return ids
}

// expireOverdue falls back the envelopes unacknowledged for AckWait.
func (sock *socket) expireOverdue(now wire.Millis) {
	wait := wire.Millis(sock.s.timing.AckWait.Milliseconds())
	ids := sock.take(func(_ uint64, o offered) bool { return now-o.at >= wait })
	if len(ids) > 0 {
		sock.s.fallBack(sock.sess.ticket.ID, ids)
	}
}

// fallBackPending falls back every pending envelope (the socket closed).
func (sock *socket) fallBackPending() {
	if ids := sock.take(func(uint64, offered) bool { return true }); len(ids) > 0 {
		sock.s.fallBack(sock.sess.ticket.ID, ids)
	}
}

// reply sends an answer frame; a failure drops the connection.
func (sock *socket) reply(v any) {
	if err := sock.writeJSON(v); err != nil {
		sock.abort()
	}
}

// refuse answers a frame with an error frame.
func (sock *socket) refuse(code, msg string) {
	sock.reply(errorFrame{Type: "error", Error: code, Message: message(msg)})
}

// close starts the closing handshake with code; the reader then ends.
func (sock *socket) close(code int, reason string) {
	if !sock.markClosed() {
		return
	}
	deadline := time.Now().Add(closeGrace)
	_ = sock.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), deadline)
	_ = sock.ws.UnderlyingConn().SetReadDeadline(deadline)
}

// abort drops the connection.
func (sock *socket) abort() {
	sock.markClosed()
	_ = sock.ws.Close()
}

// drain waits, at most closeGrace, for the peer's close, then closes.
func (sock *socket) drain() {
	_ = sock.ws.SetReadDeadline(time.Now().Add(closeGrace))
	for {
		if _, _, err := sock.ws.ReadMessage(); err != nil {
			break
		}
	}
	_ = sock.ws.Close()
}

func (sock *socket) markClosed() bool {
	sock.mu.Lock()
	defer sock.mu.Unlock()
	if sock.closed {
		return false
	}
	sock.closed = true
	return true
}

func (sock *socket) endedByPeer() bool {
	sock.mu.Lock()
	defer sock.mu.Unlock()
	return sock.peerEnded
}

// isCloseOrTimeout reports whether err is a close frame or a deadline.
func isCloseOrTimeout(err error) bool {
	var ce *websocket.CloseError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) && ne.Timeout()
}

func (sock *socket) isClosed() bool {
	sock.mu.Lock()
	defer sock.mu.Unlock()
	return sock.closed
}
