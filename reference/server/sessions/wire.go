package sessions

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// ticketItem is {"kind":"session_ticket","ticket":...,"envelope_id":...}:
// the federation item (fed-item.json) and the stream event
// (stream-event.json) have the same shape. The ticket is embedded as
// issued, so its signature verifies over the bytes the peer receives.
func ticketItem(t *ticket.Ticket, envelopeID string) ([]byte, error) {
	raw, err := t.Bytes()
	if err != nil {
		return nil, fmt.Errorf("ticket item: %w", err)
	}
	var b bytes.Buffer
	b.WriteString(`{"kind":"session_ticket","ticket":`)
	if err := json.Compact(&b, raw); err != nil {
		return nil, fmt.Errorf("ticket item: %w", err)
	}
	fmt.Fprintf(&b, `,"envelope_id":%q}`, envelopeID)
	return b.Bytes(), nil
}

// receipt is a delivered receipt (receipt.json).
type receipt struct {
	Kind string          `json:"kind"`
	ID   string          `json:"id"`
	From address.Address `json:"from"`
	To   address.Address `json:"to"`
	TS   wire.Millis     `json:"ts"`
}

// receiptEvent is {"kind":"receipt","receipt":r}.
func receiptEvent(r receipt) ([]byte, error) {
	raw, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode receipt: %w", err)
	}
	return wrap("receipt", "receipt", raw)
}

// wrap returns {"kind":kind,member:raw} with raw compacted but otherwise
// unchanged.
func wrap(kind, member string, raw []byte) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"kind":%q,%q:`, kind, member)
	if err := json.Compact(&b, raw); err != nil {
		return nil, fmt.Errorf("embed %s: %w", member, err)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Server frames of the session socket (stream-server-frame.json).
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
	Seq      uint64          `json:"seq"`
	Ref      string          `json:"ref"`
	Envelope json.RawMessage `json:"envelope"`
}

// maxMessage is the longest message member the schemas allow.
const maxMessage = 1024

// message cuts s to maxMessage characters.
func message(s string) string {
	r := []rune(s)
	if len(r) <= maxMessage {
		return s
	}
	return string(r[:maxMessage-1]) + "…"
}
