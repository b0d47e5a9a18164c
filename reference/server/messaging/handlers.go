package messaging

import (
	"net/http"

	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// handleSend is POST /emsg/v1/messages (operation sendMessage): the body
// is the envelope, the answer 202 {"id"} once it is durable.
func (s *Service) handleSend(w http.ResponseWriter, r *http.Request) {
	caller, err := s.auth(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	raw, err := readBody(r, s.cfg.MaxEnvelopeBytes)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	acc, err := s.send(r.Context(), caller, raw)
	if err != nil {
		httpapi.WriteError(w, answerOf(err))
		return
	}
	httpapi.WriteJSON(w, http.StatusAccepted, map[string]string{"id": acc.id})
}

// handleReceipts is POST /emsg/v1/receipts (operation sendReadReceipts):
// the answer is 202 without a body once every receipt is durably queued
// for the original sender.
func (s *Service) handleReceipts(w http.ResponseWriter, r *http.Request) {
	reader, err := s.auth(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	body, err := readBody(r, s.cfg.MaxBodyBytes)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	req, err := parseReadRequest(body)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	if err := s.sendReads(r.Context(), reader, req); err != nil {
		httpapi.WriteError(w, answerOf(err))
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
