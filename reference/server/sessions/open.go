package sessions

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/gorilla/websocket"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/strict"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/spec"
)

// handleSocket serves GET /emsg/v1/sessions/{id}/ws: not_found before the
// upgrade when no live session has that id (SESS-OPEN-01), then the
// session_open frame checked in the order of section 5 (SESS-AUTH-09).
func (s *Service) handleSocket(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if strict.CheckULID(id) != nil || s.reg.liveByID(id, s.now(), s.idle()) == nil {
		httpapi.WriteError(w, httpapi.Errorf("not_found", "no live session %s on this host", id))
		return
	}
	if s.ctx.Err() != nil {
		httpapi.WriteError(w, httpapi.Errorf("unavailable", "the server is shutting down; reconnect later"))
		return
	}
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // handshakeError answered
	}
	sock := newSocket(s, ws)
	s.wg.Add(1)
	go sock.open(id)
}

// handshakeError answers a request that is not a WebSocket handshake.
func handshakeError(w http.ResponseWriter, _ *http.Request, status int, reason error) {
	if status >= 500 {
		httpapi.WriteError(w, fmt.Errorf("upgrade: %w", reason))
		return
	}
	httpapi.WriteError(w, httpapi.Errorf("bad_request", "not a WebSocket upgrade: %v", reason))
}

// openFrame is a session_open frame that passed its schema.
type openFrame struct {
	ticket *ticket.Ticket
	auth   *ticket.Auth
}

// parseOpen is step 1: the frame is a JSON object with exactly type
// ("session_open"), ticket and auth, which pass session-ticket.json and
// session-auth.json and the protocol library's strict decoders.
func parseOpen(msg []byte) (openFrame, error) {
	var f map[string]json.RawMessage
	if err := json.Unmarshal(msg, &f); err != nil {
		return openFrame{}, httpapi.Errorf("bad_request", "the first frame is not a JSON object: %v", err)
	}
	if string(f["type"]) != `"session_open"` {
		return openFrame{}, httpapi.Errorf("bad_request", "the first frame must be a session_open frame")
	}
	for name := range f {
		if !slices.Contains([]string{"type", "ticket", "auth"}, name) {
			return openFrame{}, httpapi.Errorf("bad_request", "session_open has no member %q", name)
		}
	}
	if err := spec.ValidateJSON("session-ticket", f["ticket"]); err != nil {
		return openFrame{}, httpapi.Errorf("bad_request", "ticket: %v", err)
	}
	if err := spec.ValidateJSON("session-auth", f["auth"]); err != nil {
		return openFrame{}, httpapi.Errorf("bad_request", "auth: %v", err)
	}
	t, err := ticket.ParseTicket(f["ticket"])
	if err != nil {
		return openFrame{}, httpapi.Errorf("bad_request", "%v", err)
	}
	a, err := ticket.ParseAuth(f["auth"])
	if err != nil {
		return openFrame{}, httpapi.Errorf("bad_request", "%v", err)
	}
	return openFrame{ticket: t, auth: a}, nil
}

// unknownPeerKey stands for a peer key the host could not find: no proof
// verifies with it, so the open fails at step 9 (bad_signature).
var unknownPeerKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{0x5e}, ed25519.SeedSize)).Public().(ed25519.PublicKey)

// checkOpen runs steps 1 to 10 on the first frame of the socket of
// session urlID and returns the frame; steps 11 and 12 (ended, nonce) are
// the registry's [registry.attach].
func (s *Service) checkOpen(ctx context.Context, urlID string, msg []byte) (openFrame, error) {
	f, err := parseOpen(msg)
	if err != nil {
		return openFrame{}, err
	}
	peerKey := unknownPeerKey
	if f.ticket.Host == s.cfg.Domain && s.parts.PeerKey != nil && wire.ToMillis(s.deps.Now()) < f.ticket.Expires {
		if k, err := s.parts.PeerKey(ctx, f.ticket.Initiator, f.ticket.Peer); err == nil {
			peerKey = k
		} else {
			slog.Debug("session peer key", "peer", f.ticket.Peer.String(), "err", err)
		}
	}
	hostKeys := fedsig.StaticKeys{}.Add(s.cfg.Domain, s.key)
	if err := ticket.Accept(ctx, s.deps.Now(), s.cfg.Domain, f.ticket, f.auth, hostKeys, peerKey); err != nil {
		return openFrame{}, httpapi.AsError(err)
	}
	if f.ticket.ID != urlID {
		return openFrame{}, httpapi.Errorf("bad_request", "the ticket is for session %s, the socket for %s", f.ticket.ID, urlID)
	}
	return f, nil
}

// open reads and checks the first frame, then attaches the socket to its
// session and serves it; a refusal is an error frame and a close.
func (sock *socket) open(urlID string) {
	defer sock.s.wg.Done()
	s := sock.s
	_ = sock.ws.SetReadDeadline(time.Now().Add(s.timing.FirstFrame))
	typ, msg, err := sock.ws.ReadMessage()
	if err != nil {
		_ = sock.ws.Close()
		return
	}
	if typ != websocket.TextMessage {
		sock.refuseOpen(httpapi.Errorf("bad_request", "frames are JSON text frames"))
		return
	}
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	f, err := s.checkOpen(ctx, urlID, msg)
	cancel()
	if err != nil {
		sock.refuseOpen(err)
		return
	}
	sess, ok := s.reg.get(urlID)
	if !ok {
		sock.refuseOpen(httpapi.Errorf("unauthorized", "the session %s has ended", urlID))
		return
	}
	sock.sess = sess
	old, code := s.reg.attach(sess, sock, string(f.auth.Nonce), s.now(), s.idle())
	if code != "" {
		sock.refuseOpen(httpapi.Errorf(code, "%s", refusal(code)))
		return
	}
	if old != nil {
		old.close(websocket.CloseNormalClosure, "the peer opened another session socket")
	}
	sock.serve()
}

// refusal explains the codes of steps 11 and 12.
func refusal(code string) string {
	if code == "replayed" {
		return "this proof's nonce was already used with this ticket"
	}
	return "the session has ended"
}
