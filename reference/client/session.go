package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	bolt "go.etcd.io/bbolt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
)

// CloseEnded is the status a host closes a session socket with when the
// session ended.
const CloseEnded = 4002

// sessionFrame is a frame of the session socket, with what the client
// reads of it.
type sessionFrame struct {
	Type    string          `json:"type"`
	Seq     uint64          `json:"seq"`
	Event   json.RawMessage `json:"event"`
	Ref     string          `json:"ref"`
	Status  int             `json:"status"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
}

// Session is this account's socket at the initiator's server (the host)
// for one session, as the peer (section 5): envelopes from the initiator
// arrive on it and are stored, deduplicated and acknowledged as on the
// event stream; envelopes to the initiator go out on it. Open one with
// [Client.OpenSession]; it is safe for concurrent use.
type Session struct {
	c      *Client
	t      *ticket.Ticket
	conn   *websocket.Conn
	h      Handler
	writeM sync.Mutex
	done   chan struct{} // closed when the reader stopped
	err    error         // why it stopped, once done is closed

	mu      sync.Mutex
	refs    int
	results map[string]chan sessionFrame
}

// OpenSession opens the session socket of the ticket held for other (the
// initiator; see [Client.SessionTicket]) at its host, proves this
// account's identity with a fresh session auth and waits for ready. h
// receives the messages and notices that arrive on it.
func (c *Client) OpenSession(ctx context.Context, other address.Address, h Handler) (*Session, error) {
	t, err := c.SessionTicket(other)
	if err != nil {
		return nil, err
	}
	id, err := c.mustIdentity()
	if err != nil {
		return nil, err
	}
	if t.Peer != id.Address() {
		return nil, fmt.Errorf("session %s: this account is its initiator; only the peer opens the socket", t.ID)
	}
	conn, err := c.dialSession(ctx, t, id.SignKey())
	if err != nil {
		return nil, fmt.Errorf("session %s at %s: %w", t.ID, t.Host, err)
	}
	s := &Session{c: c, t: t, conn: conn, h: h, done: make(chan struct{}), results: map[string]chan sessionFrame{}}
	go s.read()
	return s, nil
}

// dialSession connects, sends session_open and reads the ready frame.
func (c *Client) dialSession(ctx context.Context, t *ticket.Ticket, signKey []byte) (*websocket.Conn, error) {
	url, err := c.table.WebSocketURL(t.Host, "/emsg/v1/sessions/"+t.ID+"/ws")
	if err != nil {
		return nil, err
	}
	d := websocket.Dialer{NetDialContext: c.table.NetDialContext, HandshakeTimeout: handshakeTimeout}
	conn, resp, err := d.DialContext(ctx, url, nil)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
			return nil, &APIError{Status: resp.StatusCode, Code: "not_found", Message: "no live session at the host"}
		}
		return nil, err
	}
	auth, err := ticket.NewAuth(c.opts.deps, t.ID, t.Peer, t.Host, signKey)
	if err == nil {
		err = conn.WriteJSON(map[string]any{"type": "session_open", "ticket": t, "auth": auth})
	}
	var f sessionFrame
	if err == nil {
		_ = conn.SetReadDeadline(time.Now().Add(handshakeTimeout))
		err = conn.ReadJSON(&f)
		_ = conn.SetReadDeadline(time.Time{})
	}
	if err == nil && f.Type != "ready" {
		err = &APIError{Code: f.Error, Message: f.Message}
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// ID is the session id.
func (s *Session) ID() string { return s.t.ID }

// Done is closed when the socket ended; [Session.Err] then says why.
func (s *Session) Done() <-chan struct{} { return s.done }

// Err is why the socket ended (nil before).
func (s *Session) Err() error {
	select {
	case <-s.done:
		return s.err
	default:
		return nil
	}
}

// read handles the host's frames until the socket ends.
func (s *Session) read() {
	defer close(s.done)
	for {
		var f sessionFrame
		if err := s.conn.ReadJSON(&f); err != nil {
			s.err = err
			s.failResults()
			return
		}
		switch f.Type {
		case "event":
			s.event(f)
		case "result":
			s.result(f)
		}
	}
}

// event stores an envelope the initiator sent, tells h, then acknowledges.
func (s *Session) event(f sessionFrame) {
	var ev event
	if json.Unmarshal(f.Event, &ev) != nil || ev.Kind != "envelope" {
		return
	}
	id, err := s.c.mustIdentity()
	if err != nil {
		return
	}
	var out outcome
	err = s.c.store.db.Update(func(tx *bolt.Tx) error {
		out = outcome{}
		return s.c.applyEnvelope(tx, id, 0, ev.Envelope, &out)
	})
	if err != nil {
		return // not acknowledged: the host falls back to federation
	}
	out.deliver(s.h)
	s.write(map[string]any{"type": "ack", "seq": f.Seq})
}

// result hands a result frame to the Send waiting for it.
func (s *Session) result(f sessionFrame) {
	s.mu.Lock()
	ch := s.results[f.Ref]
	delete(s.results, f.Ref)
	s.mu.Unlock()
	if ch != nil {
		ch <- f
	}
}

// failResults wakes every waiting Send with a failure.
func (s *Session) failResults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ref, ch := range s.results {
		ch <- sessionFrame{Type: "result", Ref: ref}
		delete(s.results, ref)
	}
}

// write sends one frame.
func (s *Session) write(v any) error {
	s.writeM.Lock()
	defer s.writeM.Unlock()
	_ = s.conn.SetWriteDeadline(time.Now().Add(handshakeTimeout))
	return s.conn.WriteJSON(v)
}

// Send sends text to the initiator on the session socket. When the socket
// is gone, it falls back to ordinary delivery through this account's own
// server ([Client.Send]): the same signed envelope travels either way.
func (s *Session) Send(ctx context.Context, text string) (Message, error) {
	to := s.t.Initiator
	ct, ok, err := s.c.Contact(to)
	b, hasKeys := ct.Bundle()
	if err != nil || !ok || !hasKeys {
		return Message{}, fmt.Errorf("send to %s: %w", to, errors.Join(err, ErrNoKeys))
	}
	id, err := s.c.mustIdentity()
	if err != nil {
		return Message{}, err
	}
	env, inner, err := envelope.Seal(s.c.opts.deps, id, to, map[address.Address]*[32]byte{to: b.BoxPublic()},
		envelope.TextBody(text), envelope.Options{TTL: s.c.opts.ttl, Session: s.t.ID})
	if err != nil {
		return Message{}, fmt.Errorf("send to %s: seal: %w", to, err)
	}
	if err := s.sendOnSocket(ctx, env); err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			return Message{}, fmt.Errorf("send %s on session %s: %w", env.ID, s.t.ID, err)
		}
		if err := s.c.post(ctx, env); err != nil { // fallback
			return Message{}, fmt.Errorf("send %s to %s: %w", env.ID, to, err)
		}
	}
	m := newMessage(env, inner)
	if err := s.c.store.db.Update(func(tx *bolt.Tx) error { return keepMessage(tx, m) }); err != nil {
		return m, fmt.Errorf("send %s: sent, but not kept locally: %w", env.ID, err)
	}
	return m, nil
}

// sendOnSocket sends a send frame and waits for its result: nil for 202,
// an [*APIError] for a refusal, another error when the socket failed.
func (s *Session) sendOnSocket(ctx context.Context, env *envelope.Envelope) error {
	s.mu.Lock()
	s.refs++
	ref := "s" + strconv.Itoa(s.refs)
	ch := make(chan sessionFrame, 1)
	s.results[ref] = ch
	s.mu.Unlock()
	select {
	case <-s.done:
		return errors.New("the session socket is closed")
	default:
	}
	if err := s.write(map[string]any{"type": "send", "ref": ref, "envelope": env}); err != nil {
		return err
	}
	select {
	case f := <-ch:
		switch {
		case f.Status == 0:
			return errors.New("the session socket closed before the result")
		case f.Status >= 300:
			return &APIError{Status: f.Status, Code: f.Error, Message: f.Message}
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close ends the session: the socket closes with status 1000, which the
// host takes as the peer ending it (SESS-END-01).
func (s *Session) Close() error {
	s.writeM.Lock()
	err := s.conn.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseNormalClosure, "the peer ends the session"), time.Now().Add(time.Second))
	s.writeM.Unlock()
	select {
	case <-s.done:
	case <-time.After(2 * time.Second):
	}
	return errors.Join(err, s.conn.Close())
}
