package ticket

import (
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/strict"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// TypeAuth is the "type" of a session auth proof.
const TypeAuth = "session_auth"

// NonceSize is the length of an auth proof's nonce.
const NonceSize = 16

// authMembers are the members of an auth proof, in contract order.
var authMembers = []string{"type", "ticket", "peer", "host", "ts", "nonce", "sig"}

// Auth is the session auth proof: the first frame a peer sends on the
// session WebSocket at the host, beside the [Ticket]. Signed with the peer's
// account key, it shows that whoever presents the ticket is its peer, now.
// The host rejects a nonce it has seen before (error code replayed); this
// package does not keep that state.
//
// Like a Ticket, an Auth from [NewAuth] or [ParseAuth] remembers its
// encoding and is verified over it.
type Auth struct {
	Ticket string          `json:"ticket"` // the ticket's id
	Peer   address.Address `json:"peer"`   // the account proving itself
	Host   string          `json:"host"`   // the server the proof is for
	TS     wire.Millis     `json:"ts"`     // when it was made; within ±MaxSkew
	Nonce  wire.Bytes      `json:"nonce"`  // 16 random bytes, never reused
	Sig    wire.Bytes      `json:"sig,omitempty"`

	raw []byte
}

// authFields has Auth's fields without its methods, for encoding.
type authFields Auth

// NewAuth makes the proof that peer, holding signKey, opens the session of
// ticket ticketID at host. ts is deps.Now; the nonce comes from deps.Rand.
func NewAuth(deps wire.Deps, ticketID string, peer address.Address, host string, signKey ed25519.PrivateKey) (*Auth, error) {
	a, err := newAuth(deps, ticketID, peer, host, signKey)
	if err != nil {
		return nil, fmt.Errorf("new session auth: %w", err)
	}
	return a, nil
}

func newAuth(deps wire.Deps, ticketID string, peer address.Address, host string, signKey ed25519.PrivateKey) (*Auth, error) {
	if err := strict.CheckULID(ticketID); err != nil {
		return nil, err
	}
	if peer.IsZero() {
		return nil, wire.Errorf(wire.BadAddress, "/peer", "peer is required")
	}
	if d, err := address.ParseDomain(host); err != nil || d != host {
		return nil, wire.Errorf(wire.BadAddress, "/host", "%q is not a canonical domain", host)
	}
	nonce, err := deps.Read(NonceSize)
	if err != nil {
		return nil, fmt.Errorf("read nonce: %w", err)
	}
	a := &Auth{Ticket: ticketID, Peer: peer, Host: host, TS: deps.Millis(), Nonce: nonce}
	if a.raw, err = signing.SignObject(a.fields, &a.Sig, signKey); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *Auth) fields() any {
	return struct {
		Type string `json:"type"`
		*authFields
	}{TypeAuth, (*authFields)(a)}
}

// ParseAuth decodes an auth proof strictly and remembers raw for
// [VerifyAuth]. It does not verify the signature.
func ParseAuth(raw []byte) (*Auth, error) {
	a, err := parseAuth(raw)
	if err != nil {
		return nil, fmt.Errorf("parse session auth: %w", err)
	}
	return a, nil
}

func parseAuth(raw []byte) (*Auth, error) {
	r, err := strict.Read(raw, strict.Shape{Type: TypeAuth, Members: authMembers})
	if err != nil {
		return nil, err
	}
	a := &Auth{
		Ticket: r.ULID("ticket"), Peer: r.Address("peer"), Host: r.Domain("host"),
		TS: r.Millis("ts"), Nonce: r.Bytes("nonce", NonceSize), Sig: r.Bytes("sig", ed25519.SignatureSize),
	}
	if r.Err() != nil {
		return nil, r.Err()
	}
	a.raw = append([]byte(nil), raw...)
	return a, nil
}

// VerifyAuth checks auth against the ticket it was presented with and the
// peer's account sign key (from the peer's published bundle). It does not
// check the ticket itself: see [Ticket.Verify] and [Accept]. The checks run
// in this order:
//
//  1. auth.ticket is the ticket's id and auth.peer its peer: malformed (the
//     proof is not about this ticket at all);
//  2. auth.host is the ticket's host: wrong_destination (a proof made for
//     another server, as for a misdirected federation request);
//  3. |now - auth.ts| <= [fedsig.MaxSkew]: clock_skew;
//  4. the signature over the proof as received: bad_signature (bad_key for
//     a key that is not 32 bytes).
func VerifyAuth(now time.Time, auth *Auth, t *Ticket, peerSignKey ed25519.PublicKey) error {
	if err := verifyAuth(now, auth, t, peerSignKey); err != nil {
		return fmt.Errorf("verify session auth: %w", err)
	}
	return nil
}

func verifyAuth(now time.Time, auth *Auth, t *Ticket, peerSignKey ed25519.PublicKey) error {
	if auth.Ticket != t.ID {
		return wire.Errorf(wire.Malformed, "/ticket", "proof is for ticket %s, presented with %s", auth.Ticket, t.ID)
	}
	if auth.Peer != t.Peer {
		return wire.Errorf(wire.Malformed, "/peer", "proof is by %s, the ticket is for %s", auth.Peer, t.Peer)
	}
	if auth.Host != t.Host {
		return wire.Errorf(wire.WrongDestination, "/host", "proof is for host %s, the ticket's host is %s", auth.Host, t.Host)
	}
	if err := fedsig.CheckSkew(now, auth.TS); err != nil {
		return err
	}
	return signing.VerifyEncoded(auth, peerSignKey)
}

// Bytes returns the proof's encoding, as [Ticket.Bytes] does.
func (a *Auth) Bytes() ([]byte, error) {
	return signing.Encoding(a.raw, a.fields)
}

// MarshalJSON returns [Auth.Bytes].
func (a *Auth) MarshalJSON() ([]byte, error) { return a.Bytes() }

// UnmarshalJSON is [ParseAuth].
func (a *Auth) UnmarshalJSON(raw []byte) error {
	p, err := ParseAuth(raw)
	if err != nil {
		return err
	}
	*a = *p
	return nil
}
