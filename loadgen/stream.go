package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/ticket"
)

// simUser is one simulated user driven by this shard: its token and, while
// online, its event stream. An idle online user costs one goroutine (the
// stream reader, blocked in a read), the connection with a small read
// buffer, and this struct: write buffers come from a pool shared by all
// streams, pings from one pinger for all ([Runner.pinger]).
type simUser struct {
	id UserID

	mu     sync.Mutex // guards everything below and writes on conn
	token  string
	conn   *websocket.Conn
	online bool   // whether the user should be connected now
	maxSeq uint64 // the highest event seq seen (and acknowledged)

	// As the peer of session pairs: the newest ticket from each
	// initiator, the open sockets, and the sockets being opened.
	tickets map[UserID]*ticket.Ticket
	socks   map[UserID]*sessionSock
	opening map[UserID]bool
}

// tok returns u's bearer token.
func (u *simUser) tok() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.token
}

// writePool lends write buffers to every stream.
var writePool = &sync.Pool{}

// dialer opens streams with small buffers: idle users dominate memory.
func (r *Runner) dialer() *websocket.Dialer {
	return &websocket.Dialer{NetDialContext: r.table.NetDialContext, HandshakeTimeout: 15 * time.Second,
		ReadBufferSize: 1024, WriteBufferSize: 1024, WriteBufferPool: writePool}
}

// serverFrame is the part of a stream frame the simulator reads.
type serverFrame struct {
	Type  string `json:"type"`
	Seq   uint64 `json:"seq"`
	Error string `json:"error"`
	Event struct {
		Kind     string          `json:"kind"`
		Envelope json.RawMessage `json:"envelope"`
		Address  string          `json:"address"`
		Request  struct {
			From string `json:"from"`
		} `json:"request"`
		GroupEvent groupEvent      `json:"group_event"` // kind group
		Group      string          `json:"group"`       // kind group_refused, with op and error
		Op         string          `json:"op"`
		Error      string          `json:"error"`
		Ticket     json.RawMessage `json:"ticket"` // kind session_ticket
	} `json:"event"`
}

// connect opens u's stream, resuming after the last event seen, reads the
// ready frame and starts the reader. A refused token logs in again once.
func (r *Runner) connect(ctx context.Context, u *simUser) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.conn != nil || r.closing.Load() {
		return nil
	}
	conn, err := r.dial(ctx, u)
	var ce *callError
	if errors.As(err, &ce) && ce.Code == "unauthorized" {
		if err = r.loginUser(ctx, u); err == nil {
			conn, err = r.dial(ctx, u)
		}
	}
	if err != nil {
		return err
	}
	if r.closing.Load() { // closeAll began while dialling
		conn.Close()
		return nil
	}
	u.conn = conn
	r.connections.Add(1)
	r.onlineNow.Add(1)
	r.readers.Add(1)
	go r.read(u, conn)
	if len(u.tickets) > 0 {
		go r.openSessions(u)
	}
	return nil
}

// dial opens the WebSocket and reads the ready frame; u.mu is held.
func (r *Runner) dial(ctx context.Context, u *simUser) (*websocket.Conn, error) {
	domain := r.pop.Domain(u.id)
	url, err := r.table.WebSocketURL(domain, "/emsg/v1/stream?since="+strconv.FormatUint(u.maxSeq, 10))
	if err != nil {
		return nil, fmt.Errorf("stream: %w", err)
	}
	conn, resp, err := r.dialer().DialContext(ctx, url, http.Header{"Authorization": {"Bearer " + u.token}})
	if err != nil {
		if resp != nil {
			resp.Body.Close()
			code := "http_" + strconv.Itoa(resp.StatusCode)
			if resp.StatusCode == http.StatusUnauthorized {
				code = "unauthorized"
			}
			return nil, &callError{Status: resp.StatusCode, Code: code}
		}
		return nil, &callError{Code: "network", Err: fmt.Errorf("stream of %s: %w", r.pop.Address(u.id), err)}
	}
	_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	var ready serverFrame
	if err := conn.ReadJSON(&ready); err != nil || ready.Type != "ready" {
		conn.Close()
		return nil, &callError{Code: "network", Err: fmt.Errorf("stream of %s: first frame %q (%v), want ready", r.pop.Address(u.id), ready.Type, err)}
	}
	_ = conn.SetReadDeadline(time.Time{})
	return conn, nil
}

// disconnect closes u's stream, if open, and drops its session sockets
// (going away: the sessions stay live).
func (r *Runner) disconnect(u *simUser) {
	r.closeSessions(u, websocket.CloseGoingAway)
	u.mu.Lock()
	conn := u.conn
	u.conn = nil
	u.mu.Unlock()
	if conn != nil {
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		conn.Close()
		r.onlineNow.Add(-1)
	}
}

// read handles conn's frames until it closes. A stream that drops while
// the user should be online is counted and reopened.
func (r *Runner) read(u *simUser, conn *websocket.Conn) {
	defer r.readers.Done()
	for {
		_, raw, err := conn.ReadMessage()
		if err != nil {
			r.dropped(u, conn)
			return
		}
		at := time.Now()
		var f serverFrame
		if json.Unmarshal(raw, &f) != nil {
			r.countError("bad_frame")
			continue
		}
		switch f.Type {
		case "event":
			r.event(u, conn, &f, at)
		case "error":
			r.countError("stream_" + f.Error)
		}
	}
}

// event handles one event frame: replays (a seq already seen) are only
// counted and acknowledged; new events go to the runner.
func (r *Runner) event(u *simUser, conn *websocket.Conn, f *serverFrame, at time.Time) {
	u.mu.Lock()
	replay := f.Seq <= u.maxSeq
	if !replay {
		u.maxSeq = f.Seq
	}
	u.mu.Unlock()
	if replay {
		r.replayed.Add(1)
	} else {
		switch f.Event.Kind {
		case "envelope":
			r.envelope(u, f.Event.Envelope, at, false)
		case "contact_request":
			r.contactRequest(u, f.Event.Request.From)
		case "contact_accepted":
			r.contactAccepted.Add(1)
		case "group":
			r.groupEvent(u, f.Event.GroupEvent)
		case "group_refused":
			r.countError("group_refused_" + f.Event.Op + "_" + f.Event.Error)
		case "session_ticket":
			r.sessionTicket(u, f.Event.Ticket)
		}
	}
	r.write(u, conn, map[string]any{"type": "ack", "seq": f.Seq})
}

// write sends a client frame on conn if it is still u's stream.
func (r *Runner) write(u *simUser, conn *websocket.Conn, frame any) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.conn != conn {
		return
	}
	_ = conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if err := conn.WriteJSON(frame); err != nil {
		r.countError("stream_write")
	}
}

// dropped is called when conn's reader stops: when the stream was not
// closed on purpose, the user reconnects.
func (r *Runner) dropped(u *simUser, conn *websocket.Conn) {
	u.mu.Lock()
	mine := u.conn == conn
	if mine {
		u.conn = nil
	}
	online := u.online
	u.mu.Unlock()
	if !mine {
		return
	}
	conn.Close()
	r.onlineNow.Add(-1)
	if online && r.ctx.Err() == nil {
		r.countError("stream_dropped")
		go func() {
			if err := r.connect(r.ctx, u); err != nil {
				r.countError(errorCode(err))
			}
		}()
	}
}

// pinger keeps idle streams open: one goroutine pings every online user
// within each interval (the server closes a stream silent for its idle
// timeout, 90 s by default).
func (r *Runner) pinger(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, u := range r.users {
			u.mu.Lock()
			conn := u.conn
			u.mu.Unlock()
			if conn != nil {
				r.write(u, conn, map[string]string{"type": "ping"})
			}
		}
	}
}
