package sessions

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/strict"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// handleEnd serves POST /emsg/v1/sessions/{id}/end: bad_request for an id
// that is not a ULID, not_found for a session this host does not know,
// forbidden for a caller that is not a party (SESS-END-02), 204 otherwise
// — also for a session that had already ended.
func (s *Service) handleEnd(w http.ResponseWriter, r *http.Request) {
	caller, err := s.parts.Auth(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	id := r.PathValue("id")
	if err := strict.CheckULID(id); err != nil {
		httpapi.WriteError(w, httpapi.Errorf("bad_request", "%q is not a session id", id))
		return
	}
	sess, ok := s.reg.get(id)
	switch {
	case !ok:
		httpapi.WriteError(w, httpapi.Errorf("not_found", "no session %s on this host", id))
		return
	case caller != sess.ticket.Initiator && caller != sess.ticket.Peer:
		httpapi.WriteError(w, httpapi.Errorf("forbidden", "%s is not a party to session %s", caller, id))
		return
	}
	s.endSession(sess)
	w.WriteHeader(http.StatusNoContent)
}

// endSession ends sess: it refuses its ticket from now on and closes its
// socket with status 4002 (whose pending envelopes fall back).
func (s *Service) endSession(sess *session) {
	sock, ok := s.reg.end(sess)
	if ok && sock != nil {
		sock.close(CloseEnded, "the session has ended")
	}
}

// sweep ends idle and expired sessions and falls back overdue envelopes.
func (s *Service) sweep(context.Context) {
	now := s.now()
	ending, socks := s.reg.due(now, s.idle())
	for _, sess := range ending {
		s.endSession(sess)
	}
	for _, sock := range socks {
		sock.expireOverdue(now)
	}
}

// fallBack moves the held envelopes ids of session to the federation
// queue (or drops those already released) and kicks the outbox.
func (s *Service) fallBack(session string, ids []string) {
	var dests []string
	err := s.st.Update(context.Background(), func(tx *store.Tx) error {
		dests = dests[:0]
		for _, id := range ids {
			it, ok, err := tx.Release(session, id)
			if err != nil || !ok {
				return err
			}
			if _, err := tx.Enqueue(it.Dest, it.Data, it.Expires); err != nil {
				return fmt.Errorf("fall back %s: %w", id, err)
			}
			dests = append(dests, it.Dest)
		}
		return nil
	})
	if err != nil {
		slog.Error("session fallback", "session", session, "err", err)
		return
	}
	for _, d := range dests {
		s.kick(d)
	}
}

// fallBackOrphans falls back every held envelope whose session this
// process does not know (held before a restart).
func (s *Service) fallBackOrphans(ctx context.Context) {
	var items []store.HeldItem
	err := s.st.View(func(tx *store.Tx) error {
		var err error
		items, err = tx.HeldItems(1 << 16)
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			slog.Error("session held items", "err", err)
		}
		return
	}
	for _, it := range items {
		if !s.reg.known(it.Session) {
			s.fallBack(it.Session, []string{it.ID})
		}
	}
}
