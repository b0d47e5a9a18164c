package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
)

// ErrNoSession reports that the client holds no live session ticket for
// the other party.
var ErrNoSession = errors.New("no live session")

// applyTicket keeps a session ticket this account is a party to: as the
// peer, only one whose host is the initiator's domain (SESS-CLIENT-01); as
// the initiator, only one of its own server. Others are ignored — a client
// may always fall back to ordinary delivery (SESS-OPTIONAL-01).
func (c *Client) applyTicket(tx *bolt.Tx, id *keys.Identity, seq uint64, raw json.RawMessage, out *outcome) error {
	t, err := ticket.ParseTicket(raw)
	if err != nil {
		return nil
	}
	other, ok := otherParty(t, id.Address())
	if !ok {
		return nil
	}
	if err := tx.Bucket(bucketSessions).Put([]byte(other.String()), raw); err != nil {
		return fmt.Errorf("keep session ticket %s: %w", t.ID, err)
	}
	out.notice(Notice{Kind: SessionTicket, Seq: seq, Address: other, ID: t.ID})
	return nil
}

// otherParty returns the party of t that is not me, if t is a ticket I
// may use: I am its peer and its host is the initiator's domain, or I am
// its initiator and its host is my domain.
func otherParty(t *ticket.Ticket, me address.Address) (address.Address, bool) {
	switch {
	case t.Peer == me && t.Host == t.Initiator.Domain:
		return t.Initiator, true
	case t.Initiator == me && t.Host == me.Domain:
		return t.Peer, true
	}
	return address.Address{}, false
}

// SessionTicket returns the newest unexpired ticket of a session with
// other, or [ErrNoSession].
func (c *Client) SessionTicket(other address.Address) (*ticket.Ticket, error) {
	var raw []byte
	err := c.store.db.View(func(tx *bolt.Tx) error {
		raw = append([]byte(nil), tx.Bucket(bucketSessions).Get([]byte(other.String()))...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("session with %s: %w", other, err)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("session with %s: %w", other, ErrNoSession)
	}
	t, err := ticket.ParseTicket(raw)
	if err != nil {
		return nil, fmt.Errorf("session with %s: %w", other, err)
	}
	if c.opts.deps.Millis() >= t.Expires {
		return nil, fmt.Errorf("session with %s: the ticket expired: %w", other, ErrNoSession)
	}
	return t, nil
}

// EndSession asks the host to end the session id (POST
// /emsg/v1/sessions/{id}/end at this account's server: the initiator's
// way; the peer ends a session by closing its socket, [Session.Close]).
func (c *Client) EndSession(ctx context.Context, id string) error {
	if err := c.authed(ctx, "POST", "/emsg/v1/sessions/"+id+"/end", nil, nil); err != nil {
		return fmt.Errorf("end session %s: %w", id, err)
	}
	return nil
}
