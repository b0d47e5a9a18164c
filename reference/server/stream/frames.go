package stream

import (
	"encoding/json"
	"unicode/utf8"
)

// The server frames of spec/schemas/stream-server-frame.json this package
// sends; event frames are written by [conn.writeEvent].

type readyFrame struct {
	Type       string `json:"type"` // "ready"
	ResumeFrom uint64 `json:"resume_from"`
}

type pongFrame struct {
	Type string `json:"type"` // "pong"
}

type errorFrame struct {
	Type    string `json:"type"` // "error"
	Error   string `json:"error"`
	Message string `json:"message"`
}

type resultFrame struct {
	Type       string `json:"type"` // "result"
	Ref        string `json:"ref"`
	Status     int    `json:"status"`
	ID         string `json:"id,omitempty"`
	Error      string `json:"error,omitempty"`
	Message    string `json:"message,omitempty"`
	MovedTo    string `json:"moved_to,omitempty"`
	RetryAfter int    `json:"retry_after,omitempty"`
}

// clientFrame is a client frame that passed stream-client-frame.json.
type clientFrame struct {
	Type     string          `json:"type"`
	Seq      uint64          `json:"seq"`      // ack
	Ref      string          `json:"ref"`      // send
	Envelope json.RawMessage `json:"envelope"` // send
	Signal   json.RawMessage `json:"signal"`   // signal
}

// maxMessage is the longest message member the schemas allow, in characters.
const maxMessage = 1024

// message cuts s to maxMessage characters.
func message(s string) string {
	if utf8.RuneCountInString(s) <= maxMessage {
		return s
	}
	r := []rune(s)
	return string(r[:maxMessage-1]) + "…"
}
