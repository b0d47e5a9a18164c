package federation

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/ticket"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// ticketKind joins a ticket id into the idempotency key, so that it never
// meets an envelope id of the same initiator.
const ticketKind = "/session_ticket"

// applySessionTicket gives a local peer the session ticket a host issued
// (SESS-EVENT-01): a session_ticket event with the id of the envelope it
// came with, kept until the ticket expires. The parties (host and
// initiator on the origin, peer here) were checked before; the ticket is
// decoded strictly; one already received is a duplicate (FED-TXN-05); an
// expired one, or one for an account that cannot receive, is refused.
func (in *Inbox) applySessionTicket(tx *store.Tx, item json.RawMessage, now wire.Millis, fx *effects) (string, error) {
	var it struct {
		Ticket     json.RawMessage `json:"ticket"`
		EnvelopeID string          `json:"envelope_id"`
	}
	if err := json.Unmarshal(item, &it); err != nil {
		return "", httpapi.Errorf("bad_request", "session_ticket item: %v", err)
	}
	t, err := ticket.ParseTicket(it.Ticket)
	if err != nil {
		return "", err
	}
	if t.Expires <= now {
		return "", httpapi.Errorf("bad_request", "the ticket expired at %d, before it arrived at %d", t.Expires, now)
	}
	if _, dup, err := tx.Seen(t.Initiator.String(), t.ID+ticketKind); err != nil || dup {
		return statusDuplicate, err
	}
	if a, ok, err := tx.GetAccount(t.Peer.String()); err != nil || !ok || a.State != store.StateActive {
		if err != nil {
			return "", err
		}
		return "", httpapi.Errorf("not_found", "no account %s here", t.Peer)
	}
	var ev bytes.Buffer
	if err := json.Compact(&ev, item); err != nil {
		return "", fmt.Errorf("session_ticket event: %w", err)
	}
	if _, err := tx.AppendEvent(t.Peer.String(), ev.Bytes(), t.Expires); err != nil {
		return "", fmt.Errorf("session_ticket event %s: %w", t.ID, err)
	}
	if err := tx.Remember(t.Initiator.String(), t.ID+ticketKind, nil, t.Expires); err != nil {
		return "", err
	}
	fx.wake = append(fx.wake, t.Peer)
	return statusOK, nil
}
