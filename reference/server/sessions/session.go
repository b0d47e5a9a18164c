package sessions

import (
	"sync"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// session is what the host knows of one session. Its fields are guarded
// by the registry's mutex.
type session struct {
	ticket *ticket.Ticket
	first  string // the envelope that opened it
	// confirmed is set once the store operation that issued the ticket
	// committed; until then only a retry of that operation (same first
	// envelope) may use the session.
	confirmed bool
	ended     bool
	last      wire.Millis         // the last envelope, either direction
	sock      *socket             // the peer's open socket, or nil
	nonces    map[string]struct{} // proof nonces used with this ticket
}

// pair names a session by its parties.
type pair struct{ initiator, peer address.Address }

// registry holds the host's sessions.
type registry struct {
	mu     sync.Mutex
	byID   map[string]*session
	byPair map[pair]*session // the newest session of each pair
}

func newRegistry() *registry {
	return &registry{byID: map[string]*session{}, byPair: map[pair]*session{}}
}

// live reports whether s can carry envelopes at now. r.mu is held.
func (s *session) live(now wire.Millis, idle wire.Millis) bool {
	return !s.ended && now < s.ticket.Expires && now-s.last < idle
}

// forEnvelope returns the session that carries an envelope from initiator
// to peer: a live confirmed one, or the unconfirmed one this very envelope
// opened (a retried store operation). nil: a new session is needed.
func (r *registry) forEnvelope(initiator, peer address.Address, envID string, now, idle wire.Millis) *session {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.byPair[pair{initiator, peer}]
	switch {
	case s == nil:
		return nil
	case !s.confirmed && s.first == envID:
		return s
	case s.confirmed && s.live(now, idle):
		return s
	}
	return nil
}

// add records a new, unconfirmed session.
func (r *registry) add(s *session) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byID[s.ticket.ID] = s
	r.byPair[pair{s.ticket.Initiator, s.ticket.Peer}] = s
}

// confirm marks s usable by every envelope of its pair.
func (r *registry) confirm(s *session) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s.confirmed = true
}

// touch records an envelope of s at now.
func (r *registry) touch(s *session, now wire.Millis) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s.last = max(s.last, now)
}

// socketOf returns the peer's open socket of s, or nil.
func (r *registry) socketOf(s *session) *socket {
	r.mu.Lock()
	defer r.mu.Unlock()
	return s.sock
}

// get returns the session id (ended or not) and whether it is known.
func (r *registry) get(id string) (*session, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.byID[id]
	return s, ok && s.confirmed
}

// liveByID returns the live session id, or nil.
func (r *registry) liveByID(id string, now, idle wire.Millis) *session {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.byID[id]; ok && s.confirmed && s.live(now, idle) {
		return s
	}
	return nil
}

// attach makes sock the socket of s after the last checks of the open
// (session not ended: unauthorized; nonce unused: replayed). It returns
// the socket it replaces, if any.
func (r *registry) attach(s *session, sock *socket, nonce string, now, idle wire.Millis) (old *socket, code string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !s.live(now, idle) {
		return nil, "unauthorized"
	}
	if _, used := s.nonces[nonce]; used {
		return nil, "replayed"
	}
	s.nonces[nonce] = struct{}{}
	old, s.sock = s.sock, sock
	return old, ""
}

// detach forgets sock as the socket of s (if it still is).
func (r *registry) detach(s *session, sock *socket) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s.sock == sock {
		s.sock = nil
	}
}

// end marks s ended and returns its socket, if any; false if it already
// was ended.
func (r *registry) end(s *session) (*socket, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s.ended {
		return nil, false
	}
	s.ended = true
	sock := s.sock
	s.sock = nil
	if p := (pair{s.ticket.Initiator, s.ticket.Peer}); r.byPair[p] == s {
		delete(r.byPair, p)
	}
	return sock, true
}

// due returns the sessions to end at now (idle or expired) and the open
// sockets, and forgets ended sessions whose ticket expired.
func (r *registry) due(now, idle wire.Millis) (ending []*session, socks []*socket) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, s := range r.byID {
		switch {
		case s.ended && now >= s.ticket.Expires, !s.confirmed && now-s.last >= idle:
			delete(r.byID, id)
		case !s.ended && s.confirmed && !s.live(now, idle):
			ending = append(ending, s)
		case s.sock != nil:
			socks = append(socks, s.sock)
		}
	}
	return ending, socks
}

// known reports whether id is a session of this process (live or ended).
func (r *registry) known(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.byID[id]
	return ok
}
