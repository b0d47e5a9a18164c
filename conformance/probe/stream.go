package probe

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

	"github.com/emsg-project/emsg/reports/results"
	"github.com/emsg-project/emsg/spec"
)

// Frame is one frame the server sent on a stream, decoded loosely: the
// members every frame type may carry, and the raw bytes.
type Frame struct {
	Type       string          `json:"type"`
	Seq        uint64          `json:"seq"`
	ResumeFrom uint64          `json:"resume_from"`
	Event      json.RawMessage `json:"event"`
	Ref        string          `json:"ref"`
	Status     int             `json:"status"`
	ID         string          `json:"id"`
	Error      string          `json:"error"`
	Raw        json.RawMessage `json:"-"`
}

// Kind is the "kind" of an event frame's event ("" for other frames).
func (f Frame) Kind() string {
	var e struct {
		Kind string `json:"kind"`
	}
	_ = json.Unmarshal(f.Event, &e)
	return e.Kind
}

// EventInto decodes the event of an event frame into v.
func (f Frame) EventInto(v any) error { return json.Unmarshal(f.Event, v) }

// Stream is an open event stream of one account. Frames arrive on a
// reader goroutine, are logged and validated, and wait in order for
// [Stream.Next].
type Stream struct {
	conn     *websocket.Conn
	log      *Log
	where    string
	frames   chan Frame
	mu       sync.Mutex
	closeErr error
	done     chan struct{}
	closing  sync.Once
}

// OpenStream opens GET /stream for the account, resuming after since (a
// negative since sends no since parameter). A refused upgrade returns the
// answer and no stream.
func (a *Account) OpenStream(ctx context.Context, since int64) (*Stream, *Response, error) {
	return a.P.OpenStream(ctx, a.Addr.Domain, a.Auth(), since)
}

// OpenStream opens the stream of domain with header (the token).
func (p *Probe) OpenStream(ctx context.Context, domain string, header http.Header, since int64) (*Stream, *Response, error) {
	path := "/emsg/v1/stream"
	if since >= 0 {
		path += "?since=" + strconv.FormatInt(since, 10)
	}
	url, err := p.Table.WebSocketURL(domain, path)
	if err != nil {
		return nil, nil, fmt.Errorf("stream: %w", err)
	}
	d := websocket.Dialer{NetDialContext: p.Table.NetDialContext, HandshakeTimeout: 10 * time.Second}
	conn, resp, err := d.DialContext(ctx, url, header)
	if err != nil {
		if resp == nil {
			p.Log.add(results.WireEntry{Kind: "http", Summary: "GET " + url + " (upgrade) → " + err.Error()})
			return nil, nil, fmt.Errorf("stream %s: %w", url, err)
		}
		return nil, refused(p.Log, url, resp), nil
	}
	p.Log.add(results.WireEntry{Kind: "http", Summary: "GET " + url + " → 101 (stream open)"})
	s := &Stream{conn: conn, log: p.Log, where: "frame from " + domain, frames: make(chan Frame, 256), done: make(chan struct{})}
	go s.read()
	return s, nil, nil
}

// refused logs and returns a refused upgrade's answer, checked as an error.
func refused(log *Log, url string, resp *http.Response) *Response {
	defer resp.Body.Close()
	var body []byte
	if resp.Body != nil {
		buf := make([]byte, 64<<10)
		n, _ := resp.Body.Read(buf)
		body = buf[:n]
	}
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
	log.add(results.WireEntry{Kind: "http", Summary: fmt.Sprintf("GET %s (upgrade) → %s", url, out),
		Response: string(body), Violation: checkErrorAnswer(resp.StatusCode, resp.Header, body)})
	return out
}

// read delivers frames until the connection ends.
func (s *Stream) read() {
	defer close(s.frames)
	defer close(s.done)
	for {
		_, raw, err := s.conn.ReadMessage()
		if err != nil {
			s.mu.Lock()
			s.closeErr = err
			s.mu.Unlock()
			s.log.add(results.WireEntry{Kind: "ws-recv", Summary: s.where + ": closed: " + err.Error()})
			return
		}
		violation := ""
		if err := spec.ValidateJSON("stream-server-frame", raw); err != nil {
			violation = err.Error()
		}
		var f Frame
		_ = json.Unmarshal(raw, &f)
		f.Raw = raw
		s.log.add(results.WireEntry{Kind: "ws-recv", Summary: s.where + ": " + f.Type, Response: string(raw), Violation: violation})
		s.frames <- f
	}
}

// ErrClosed is returned by Next once the server has closed the stream.
var ErrClosed = errors.New("stream closed")

// Next returns the next frame, waiting until ctx ends.
func (s *Stream) Next(ctx context.Context) (Frame, error) {
	select {
	case f, ok := <-s.frames:
		if !ok {
			return Frame{}, fmt.Errorf("%w: %v", ErrClosed, s.CloseError())
		}
		return f, nil
	case <-ctx.Done():
		return Frame{}, ctx.Err()
	}
}

// Poll returns the next frame if one is waiting, without blocking.
func (s *Stream) Poll() (Frame, bool) {
	select {
	case f, ok := <-s.frames:
		return f, ok
	default:
		return Frame{}, false
	}
}

// CloseError is why the stream ended (nil while it is open).
func (s *Stream) CloseError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closeErr
}

// CloseCode is the WebSocket close code the server sent, or 0.
func (s *Stream) CloseCode() int {
	var ce *websocket.CloseError
	if errors.As(s.CloseError(), &ce) {
		return ce.Code
	}
	return 0
}

// Done is closed when the stream has ended.
func (s *Stream) Done() <-chan struct{} { return s.done }

// Send writes a client frame, validating it as a client frame unless it
// is sent raw by [Stream.SendRaw].
func (s *Stream) Send(v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode frame: %w", err)
	}
	return s.SendRaw(raw)
}

// SendRaw writes exact bytes as a text frame (robustness specs).
func (s *Stream) SendRaw(raw []byte) error {
	s.log.add(results.WireEntry{Kind: "ws-send", Summary: "frame to server", Request: string(raw)})
	return s.conn.WriteMessage(websocket.TextMessage, raw)
}

// Ack acknowledges every event up to seq.
func (s *Stream) Ack(seq uint64) error { return s.Send(map[string]any{"type": "ack", "seq": seq}) }

// Close closes the connection from the client side.
// It is idempotent and never fails: the server may have closed first.
func (s *Stream) Close() error {
	s.closing.Do(func() {
		_ = s.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		_ = s.conn.Close()
	})
	return nil
}
