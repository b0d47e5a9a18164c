package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/loadgen/results"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Sessions (section 5 of the spec), as the simulator plays them. The
// initiator of a session pair sends as always (POST /messages at its own
// server, the host); the host issues a ticket with the first message and
// the peer's server pushes it to the peer as a session_ticket event. The
// peer's shard keeps the newest ticket of each of its session pairs and
// opens the session socket at the host with it ([Runner.openSession]):
// from then on the initiator's messages arrive on that socket and the
// peer's replies go out on it as send frames ([Runner.sendOnSession]), so
// one server carries the conversation. A peer going offline drops its
// sockets with 1001 (going away: the session stays live and the host
// falls back to federation for what it holds); coming back, it opens
// them again with a fresh proof. At the end of the run it closes them
// with 1000, which ends the sessions.

// closeEnded is the status a host closes a session socket with when the
// session has ended.
const closeEnded = 4002

// sessionCounters count how session messages travelled.
type sessionCounters struct {
	opened, onSocket, byFederation, sentOnSocket, sentByFallback atomic.Int64
}

// arrived counts one initiator → peer session delivery by its path.
func (c *sessionCounters) arrived(onSocket bool) {
	if onSocket {
		c.onSocket.Add(1)
	} else {
		c.byFederation.Add(1)
	}
}

func (c *sessionCounters) results() results.Sessions {
	return results.Sessions{Opened: c.opened.Load(), OnSocket: c.onSocket.Load(), ByFederation: c.byFederation.Load(),
		SentOnSocket: c.sentOnSocket.Load(), SentByFallback: c.sentByFallback.Load()}
}

// sessionSock is a peer's open socket at an initiator's server.
type sessionSock struct {
	peer      *simUser
	initiator UserID
	ticketID  string
	conn      *websocket.Conn
	done      chan struct{} // closed when the reader stopped

	wmu sync.Mutex // writes on conn

	mu      sync.Mutex
	refs    int
	results map[string]chan sessionResult
}

// sessionResult is the part of a result frame a send waits for.
type sessionResult struct {
	Status int    `json:"status"`
	Error  string `json:"error"`
}

// sessionFrame is a frame of the session socket, as the peer reads it.
type sessionFrame struct {
	Type  string `json:"type"`
	Seq   uint64 `json:"seq"`
	Ref   string `json:"ref"`
	Error string `json:"error"`
	sessionResult
	Event struct {
		Kind     string          `json:"kind"`
		Envelope json.RawMessage `json:"envelope"`
	} `json:"event"`
}

// peerOfSession reports whether m is a session message sent by the peer
// of its pair (to the initiator).
func (r *Runner) peerOfSession(m Message) bool {
	if m.Class != Session {
		return false
	}
	init, _ := r.pop.SessionInitiator(m.From, m.To)
	return m.From != init
}

// sessionTicket takes a session_ticket event of u: a ticket whose peer is
// u, issued by the initiator's own server, for one of u's session pairs
// is kept and its socket opened. Tickets of other pairs are ignored, as
// a client may (SESS-OPTIONAL-01).
func (r *Runner) sessionTicket(u *simUser, raw json.RawMessage) {
	t, err := ticket.ParseTicket(raw)
	if err != nil {
		r.countError("bad_ticket")
		return
	}
	if t.Peer != r.pop.Address(u.id) || t.Host != t.Initiator.Domain {
		return // the initiator's own copy, or not a ticket u may use (SESS-CLIENT-01)
	}
	init, ok := r.pop.Lookup(t.Initiator)
	if !ok {
		return
	}
	if i, pair := r.pop.SessionInitiator(u.id, init); !pair || i != init {
		return
	}
	u.mu.Lock()
	if u.tickets == nil {
		u.tickets = map[UserID]*ticket.Ticket{}
	}
	u.tickets[init] = t
	u.mu.Unlock()
	go r.openSession(u, init)
}

// openSessions opens the sockets of every ticket u holds (u came online).
func (r *Runner) openSessions(u *simUser) {
	u.mu.Lock()
	var inits []UserID
	for init := range u.tickets {
		inits = append(inits, init)
	}
	u.mu.Unlock()
	for _, init := range inits {
		r.openSession(u, init)
	}
}

// openSession opens u's socket for its session with init, unless u is
// offline or the socket of that ticket is open already. A ticket the host
// no longer takes (the session ended) is dropped: the initiator's next
// message brings a new one.
func (r *Runner) openSession(u *simUser, init UserID) {
	u.mu.Lock()
	t := u.tickets[init]
	cur := u.socks[init]
	if t == nil || !u.online || r.closing.Load() || u.opening[init] || (cur != nil && cur.ticketID == t.ID) {
		u.mu.Unlock()
		return
	}
	if u.opening == nil {
		u.opening = map[UserID]bool{}
	}
	u.opening[init] = true
	u.mu.Unlock()
	conn, err := r.dialSession(r.ctx, u, t)
	u.mu.Lock()
	delete(u.opening, init)
	if err != nil {
		var ce *callError
		if errors.As(err, &ce) && (ce.Code == "not_found" || ce.Code == "unauthorized") && u.tickets[init] == t {
			delete(u.tickets, init)
		}
		u.mu.Unlock()
		r.countError("session_" + errorCode(err))
		return
	}
	if !u.online || r.closing.Load() {
		u.mu.Unlock()
		_ = conn.Close()
		return
	}
	s := &sessionSock{peer: u, initiator: init, ticketID: t.ID, conn: conn, done: make(chan struct{}), results: map[string]chan sessionResult{}}
	old := u.socks[init]
	if u.socks == nil {
		u.socks = map[UserID]*sessionSock{}
	}
	u.socks[init] = s
	r.readers.Add(1)
	u.mu.Unlock()
	if old != nil {
		old.close(websocket.CloseGoingAway)
	}
	r.sess.opened.Add(1)
	go r.readSession(s)
}

// dialSession connects to the host, presents the ticket with a fresh
// proof of u's key and reads the ready frame.
func (r *Runner) dialSession(ctx context.Context, u *simUser, t *ticket.Ticket) (*websocket.Conn, error) {
	url, err := r.table.WebSocketURL(t.Host, "/emsg/v1/sessions/"+t.ID+"/ws")
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", t.ID, err)
	}
	id, err := r.pop.Identity(u.id)
	if err != nil {
		return nil, err
	}
	auth, err := ticket.NewAuth(wire.System(), t.ID, t.Peer, t.Host, id.SignKey())
	if err != nil {
		return nil, err
	}
	conn, resp, err := r.dialer().DialContext(ctx, url, nil)
	if err != nil {
		if resp != nil { // refused before the upgrade: 404 when no live session has that id (SESS-OPEN-01)
			resp.Body.Close()
			code := "http_" + strconv.Itoa(resp.StatusCode)
			if resp.StatusCode == http.StatusNotFound {
				code = "not_found"
			}
			return nil, &callError{Status: resp.StatusCode, Code: code}
		}
		return nil, &callError{Code: "network", Err: fmt.Errorf("session %s at %s: %w", t.ID, t.Host, err)}
	}
	_ = conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	var f sessionFrame
	err = conn.WriteJSON(map[string]any{"type": "session_open", "ticket": t, "auth": auth})
	if err == nil {
		err = conn.ReadJSON(&f)
	}
	if err == nil && f.Type != "ready" {
		err = &callError{Code: f.Error}
	}
	if err != nil {
		conn.Close()
		var ce *callError
		if !errors.As(err, &ce) {
			err = &callError{Code: "network", Err: fmt.Errorf("session %s at %s: %w", t.ID, t.Host, err)}
		}
		return nil, err
	}
	_ = conn.SetReadDeadline(time.Time{})
	return conn, nil
}

// readSession handles the host's frames until the socket ends: envelopes
// from the initiator are accounted and acknowledged, results go to the
// send waiting for them. A socket that drops while u is online is opened
// again, unless the session ended.
func (r *Runner) readSession(s *sessionSock) {
	defer r.readers.Done()
	var err error
	for {
		var raw []byte
		if _, raw, err = s.conn.ReadMessage(); err != nil {
			break
		}
		at := time.Now()
		var f sessionFrame
		if json.Unmarshal(raw, &f) != nil {
			r.countError("bad_frame")
			continue
		}
		switch f.Type {
		case "event":
			if f.Event.Kind == "envelope" {
				r.envelope(s.peer, f.Event.Envelope, at, true)
			}
			_ = s.write(map[string]any{"type": "ack", "seq": f.Seq})
		case "result":
			s.deliverResult(f.Ref, f.sessionResult)
		case "error":
			r.countError("session_" + f.Error)
		}
	}
	close(s.done)
	s.failResults()
	s.conn.Close()
	u := s.peer
	u.mu.Lock()
	mine := u.socks[s.initiator] == s
	if mine {
		delete(u.socks, s.initiator)
	}
	ended := websocket.IsCloseError(err, closeEnded)
	if ended && u.tickets[s.initiator] != nil && u.tickets[s.initiator].ID == s.ticketID {
		delete(u.tickets, s.initiator)
	}
	online := u.online
	u.mu.Unlock()
	if mine && online && !ended && r.ctx.Err() == nil && !r.closing.Load() {
		r.countError("session_dropped")
		go r.openSession(u, s.initiator)
	}
}

// write sends one frame on the socket.
func (s *sessionSock) write(v any) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_ = s.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return s.conn.WriteJSON(v)
}

// close closes the socket with code; the reader then ends.
func (s *sessionSock) close(code int) {
	s.wmu.Lock()
	_ = s.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
	s.wmu.Unlock()
	select {
	case <-s.done:
	case <-time.After(2 * time.Second):
	}
	s.conn.Close()
}

// deliverResult hands a result frame to the send waiting for it.
func (s *sessionSock) deliverResult(ref string, res sessionResult) {
	s.mu.Lock()
	ch := s.results[ref]
	delete(s.results, ref)
	s.mu.Unlock()
	if ch != nil {
		ch <- res
	}
}

// forget drops the wait for ref's result.
func (s *sessionSock) forget(ref string) {
	s.mu.Lock()
	delete(s.results, ref)
	s.mu.Unlock()
}

// failResults wakes every waiting send with no result (status 0).
func (s *sessionSock) failResults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ref, ch := range s.results {
		ch <- sessionResult{}
		delete(s.results, ref)
	}
}

// sendOnSession sends o on u's socket for the session with its recipient
// and waits for the result. carried is false when there is no socket or
// it failed before answering: the caller then falls back to ordinary
// delivery. A refusal comes back as a *callError.
func (r *Runner) sendOnSession(ctx context.Context, u *simUser, o *outgoing) (carried bool, err error) {
	u.mu.Lock()
	s := u.socks[o.m.To]
	u.mu.Unlock()
	if s == nil {
		return false, nil
	}
	s.mu.Lock()
	s.refs++
	ref := "m" + strconv.Itoa(s.refs)
	ch := make(chan sessionResult, 1)
	s.results[ref] = ch
	s.mu.Unlock()
	defer s.forget(ref)
	select {
	case <-s.done:
		return false, nil
	default:
	}
	if err := s.write(map[string]any{"type": "send", "ref": ref, "envelope": json.RawMessage(o.body)}); err != nil {
		return false, nil
	}
	wait := time.NewTimer(sessionResultWait)
	defer wait.Stop()
	select {
	case res := <-ch:
		switch {
		case res.Status == 0:
			return false, nil
		case res.Status >= 300:
			return true, &callError{Status: res.Status, Code: res.Error}
		}
		return true, nil
	case <-wait.C:
		return false, nil
	case <-ctx.Done():
		return false, nil
	}
}

// sessionResultWait bounds the wait for a send's result on the socket;
// after it the message goes through the peer's own server, the same
// envelope, so that the two paths make one message ((from, id)).
const sessionResultWait = 10 * time.Second

// closeSessions closes every session socket of u with code: 1001 when u
// goes offline (the sessions stay live), 1000 at the end of the run (the
// peer ends them).
func (r *Runner) closeSessions(u *simUser, code int) {
	u.mu.Lock()
	socks := u.socks
	u.socks = nil
	u.mu.Unlock()
	for _, s := range socks {
		s.close(code)
	}
}
