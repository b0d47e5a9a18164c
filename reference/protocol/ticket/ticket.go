package ticket

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/strict"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// TypeTicket is the "type" of a session ticket.
const TypeTicket = "session_ticket"

// ticketMembers are the members of a ticket, in contract order.
var ticketMembers = []string{"type", "id", "host", "initiator", "peer", "expires", "key", "sig"}

// Ticket is a session ticket: the initiator's server (the host) lets peer
// talk to it directly about the session with initiator until Expires. The
// host issues it with [Issue] and sends it to the peer with the session's
// first message; the peer presents it, with an [Auth], when it opens the
// session WebSocket at the host.
//
// A Ticket obtained from [Issue] or [ParseTicket] remembers its encoding:
// it marshals to exactly those bytes and [Ticket.Verify] checks them, so a
// forwarded ticket is never re-encoded. Do not change its fields.
type Ticket struct {
	ID        string          `json:"id"`        // ULID, the session ticket id
	Host      string          `json:"host"`      // the issuing server's domain
	Initiator address.Address `json:"initiator"` // the host's account that started the session
	Peer      address.Address `json:"peer"`      // the account allowed to connect
	Expires   wire.Millis     `json:"expires"`   // valid while now < Expires
	Key       string          `json:"key"`       // the host server key id that signed
	Sig       wire.Bytes      `json:"sig,omitempty"`

	raw []byte
}

// ticketFields has Ticket's fields without its methods, for encoding.
type ticketFields Ticket

// Issue signs a new ticket for a session between initiator (an account of
// host) and peer, valid for ttl from deps.Now. The id is a ULID drawn from
// deps.Rand.
func Issue(deps wire.Deps, hostKey fedsig.ServerKey, host string, initiator, peer address.Address, ttl time.Duration) (*Ticket, error) {
	t, err := issue(deps, hostKey, host, initiator, peer, ttl)
	if err != nil {
		return nil, fmt.Errorf("issue ticket: %w", err)
	}
	return t, nil
}

func issue(deps wire.Deps, hostKey fedsig.ServerKey, host string, initiator, peer address.Address, ttl time.Duration) (*Ticket, error) {
	if err := checkNew(hostKey, host, initiator, peer, ttl); err != nil {
		return nil, err
	}
	now := deps.Millis()
	id, err := ulid.New(uint64(now), deps.Rand)
	if err != nil {
		return nil, fmt.Errorf("new id: %w", err)
	}
	t := &Ticket{ID: id.String(), Host: host, Initiator: initiator, Peer: peer,
		Expires: now + wire.Millis(ttl.Milliseconds()), Key: hostKey.ID}
	if t.raw, err = signing.SignObject(t.fields, &t.Sig, hostKey.Private); err != nil {
		return nil, err
	}
	return t, nil
}

func checkNew(hostKey fedsig.ServerKey, host string, initiator, peer address.Address, ttl time.Duration) error {
	if err := fedsig.CheckKeyID(hostKey.ID); err != nil {
		return err
	}
	if d, err := address.ParseDomain(host); err != nil || d != host {
		return wire.Errorf(wire.BadAddress, "/host", "%q is not a canonical domain", host)
	}
	if initiator.IsZero() || peer.IsZero() {
		return wire.Errorf(wire.BadAddress, "/peer", "initiator and peer are required")
	}
	if initiator.Domain != host {
		return wire.Errorf(wire.Malformed, "/initiator", "%s is not an account of host %s", initiator, host)
	}
	if ttl < time.Millisecond {
		return wire.Errorf(wire.Malformed, "/expires", "ttl %v must be at least 1 ms", ttl)
	}
	return nil
}

// fields is the JSON shape of t, with its "type".
func (t *Ticket) fields() any {
	return struct {
		Type string `json:"type"`
		*ticketFields
	}{TypeTicket, (*ticketFields)(t)}
}

// ParseTicket decodes a ticket strictly (see the package documentation)
// and remembers raw for [Ticket.Verify]. It does not verify the signature.
func ParseTicket(raw []byte) (*Ticket, error) {
	t, err := parseTicket(raw)
	if err != nil {
		return nil, fmt.Errorf("parse ticket: %w", err)
	}
	return t, nil
}

func parseTicket(raw []byte) (*Ticket, error) {
	r, err := strict.Read(raw, strict.Shape{Type: TypeTicket, Members: ticketMembers})
	if err != nil {
		return nil, err
	}
	t := &Ticket{
		ID: r.ULID("id"), Host: r.Domain("host"), Initiator: r.Address("initiator"), Peer: r.Address("peer"),
		Expires: r.Millis("expires"), Key: r.String("key"), Sig: r.Bytes("sig", ed25519.SignatureSize),
	}
	if r.Err() == nil {
		r.FailAt("key", fedsig.CheckKeyID(t.Key))
	}
	if r.Err() != nil {
		return nil, r.Err()
	}
	t.raw = append([]byte(nil), raw...)
	return t, nil
}

// Verify checks the ticket at time now, in this order: not expired
// (expired when now >= Expires), the host publishes Key (unknown_key, or
// bad_key for a key that is not 32 bytes), the signature over the ticket as
// received (bad_signature). keys answers for the host's server keys.
func (t *Ticket) Verify(ctx context.Context, now time.Time, keys fedsig.KeyLookup) error {
	if err := t.verify(ctx, now, keys); err != nil {
		return fmt.Errorf("verify ticket: %w", err)
	}
	return nil
}

func (t *Ticket) verify(ctx context.Context, now time.Time, keys fedsig.KeyLookup) error {
	if wire.ToMillis(now) >= t.Expires {
		return wire.Errorf(wire.Expired, "/expires", "ticket expired at %d, now is %d", t.Expires, wire.ToMillis(now))
	}
	pub, err := fedsig.Lookup(ctx, keys, t.Host, t.Key)
	if err != nil {
		return err
	}
	return signing.VerifyEncoded(t, pub)
}

// Bytes returns the ticket's encoding: the bytes it was issued or received
// as, or (for a Ticket built by hand) its canonical encoding.
func (t *Ticket) Bytes() ([]byte, error) {
	return signing.Encoding(t.raw, t.fields)
}

// MarshalJSON returns [Ticket.Bytes].
func (t *Ticket) MarshalJSON() ([]byte, error) { return t.Bytes() }

// UnmarshalJSON is [ParseTicket], so a Ticket inside another object (a
// stream event, a federation item) is read just as strictly.
func (t *Ticket) UnmarshalJSON(raw []byte) error {
	p, err := ParseTicket(raw)
	if err != nil {
		return err
	}
	*t = *p
	return nil
}
