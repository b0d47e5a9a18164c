package probe

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/spec"
)

// A session socket (section 5) is a WebSocket at the host with no bearer
// token: the first frame the peer sends is a session_open frame carrying
// the ticket the host issued and a proof signed by the peer's account key.
// After a good open, the frames are those of the event stream, so an open
// socket is a [Stream] (every server frame logged and validated against
// stream-server-frame).

// SessionPath is the path of the session socket of session id.
func SessionPath(id string) string { return "/emsg/v1/sessions/" + id + "/ws" }

// OpenSession dials the session socket of session id at host, without a
// token, and sends nothing yet. A refused upgrade returns the answer
// (checked as an error answer) and no socket.
func (p *Probe) OpenSession(ctx context.Context, host, id string) (*Stream, *Response, error) {
	url, err := p.Table.WebSocketURL(host, SessionPath(id))
	if err != nil {
		return nil, nil, fmt.Errorf("session socket: %w", err)
	}
	d := websocket.Dialer{NetDialContext: p.Table.NetDialContext, HandshakeTimeout: 10 * time.Second}
	conn, resp, err := d.DialContext(ctx, url, nil)
	if err != nil {
		if resp == nil {
			p.Log.add(results.WireEntry{Kind: "http", Summary: "GET " + url + " (upgrade) → " + err.Error()})
			return nil, nil, fmt.Errorf("session socket %s: %w", url, err)
		}
		return nil, refused(p.Log, url, resp), nil
	}
	p.Log.add(results.WireEntry{Kind: "http", Summary: "GET " + url + " → 101 (session socket open)"})
	s := &Stream{conn: conn, log: p.Log, where: "session frame from " + host, frames: make(chan Frame, 256), done: make(chan struct{})}
	go s.read()
	return s, nil, nil
}

// SendOpen sends a session_open frame with the ticket and proof as given
// (raw JSON, possibly broken on purpose). A frame that departs from the
// SessionOpenFrame schema is logged as sent on purpose, not held against
// the server.
func (s *Stream) SendOpen(ticketRaw, authRaw json.RawMessage) error {
	return s.Send(map[string]any{"type": "session_open", "ticket": ticketRaw, "auth": authRaw})
}

// CloseWith closes the socket from the client side with a WebSocket
// status: 1000 (normal closure) ends a session, 1001 (going away) does
// not. Like Close it never fails.
func (s *Stream) CloseWith(code int) error {
	s.closing.Do(func() {
		s.log.add(results.WireEntry{Kind: "ws-send", Summary: fmt.Sprintf("close %d", code)})
		_ = s.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
		_ = s.conn.Close()
	})
	return nil
}

// Ticket is a session ticket as a server pushed it in a session_ticket
// event: parsed, and its exact bytes for presenting it as received or
// editing it.
type Ticket struct {
	*ticket.Ticket
	Raw        json.RawMessage
	EnvelopeID string // the envelope the ticket came with
}

// TicketOf reads the ticket of a session_ticket event frame.
func TicketOf(f Frame) (Ticket, error) {
	var ev struct {
		Kind       string          `json:"kind"`
		Ticket     json.RawMessage `json:"ticket"`
		EnvelopeID string          `json:"envelope_id"`
	}
	if err := f.EventInto(&ev); err != nil {
		return Ticket{}, fmt.Errorf("session_ticket event: %w", err)
	}
	if ev.Kind != "session_ticket" {
		return Ticket{}, fmt.Errorf("event of kind %q, want session_ticket", ev.Kind)
	}
	t, err := ticket.ParseTicket(ev.Ticket)
	if err != nil {
		return Ticket{}, fmt.Errorf("session_ticket event: %w", err)
	}
	return Ticket{Ticket: t, Raw: ev.Ticket, EnvelopeID: ev.EnvelopeID}, nil
}

// ProofOptions break a session proof on purpose; the zero value makes a
// good proof for the ticket.
type ProofOptions struct {
	TicketID string             // another ticket id
	Host     string             // another host
	Skew     time.Duration      // moves ts away from now
	SignWith ed25519.PrivateKey // signs with another key
}

// Proof makes the session_auth of id (the peer) for t, as opts says.
func (p *Probe) Proof(id *keys.Identity, t *ticket.Ticket, opts ProofOptions) (json.RawMessage, error) {
	tid, host, key := t.ID, t.Host, id.SignKey()
	if opts.TicketID != "" {
		tid = opts.TicketID
	}
	if opts.Host != "" {
		host = opts.Host
	}
	if opts.SignWith != nil {
		key = opts.SignWith
	}
	deps := p.Deps
	if opts.Skew != 0 {
		deps = wire.Deps{Rand: p.Deps.Rand, Now: func() time.Time { return time.Now().Add(opts.Skew) }}
	}
	a, err := ticket.NewAuth(deps, tid, id.Address(), host, key)
	if err != nil {
		return nil, fmt.Errorf("session proof: %w", err)
	}
	return a.Bytes()
}

// Edit returns a copy of the JSON object raw with members set (a nil
// value deletes the member), and, if resign is not nil, signed again with
// it over JCS(object minus sig).
func Edit(raw json.RawMessage, set map[string]any, resign ed25519.PrivateKey) (json.RawMessage, error) {
	m, err := MarshalObject(raw)
	if err != nil {
		return nil, fmt.Errorf("edit: %w", err)
	}
	for k, v := range set {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	if resign != nil {
		sig, err := signing.Sign(m, resign)
		if err != nil {
			return nil, fmt.Errorf("edit: %w", err)
		}
		m["sig"] = wire.EncodeBytes(sig)
	}
	return json.Marshal(m)
}

// ValidOpenFrame reports whether a session_open frame the probe is about
// to send passes the spec's SessionOpenFrame (its ticket and auth
// schemas), so specs can tell a deliberate schema failure from a suite bug.
func ValidOpenFrame(ticketRaw, authRaw json.RawMessage) error {
	if err := spec.ValidateJSON("session-ticket", ticketRaw); err != nil {
		return err
	}
	return spec.ValidateJSON("session-auth", authRaw)
}
