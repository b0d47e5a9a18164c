package account

import (
	"crypto/ed25519"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/strict"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// TypeMove is the "type" of a move notice.
const TypeMove = "move"

var moveMembers = []string{"type", "from", "to", "bundle", "ts", "sig"}

// MoveNotice announces that the account From now lives at To, whose key
// bundle it carries. It is signed by the OLD account's key, the one From's
// contacts already trust. The client POSTs it to /account/move on the old
// server, which forwards it to every contact and answers later deliveries
// with moved.
type MoveNotice struct {
	From   address.Address `json:"from"`   // the old address
	To     address.Address `json:"to"`     // the new address, on another server or not
	Bundle keys.Bundle     `json:"bundle"` // the new account's key bundle
	TS     wire.Millis     `json:"ts"`
	Sig    wire.Bytes      `json:"sig,omitempty"`

	raw []byte
}

type moveFields MoveNotice

// NewMoveNotice signs, with the old account's sign key, the move from
// from to the account whose bundle is newBundle; ts is deps.Now.
func NewMoveNotice(deps wire.Deps, from address.Address, oldSignKey ed25519.PrivateKey, newBundle keys.Bundle) (*MoveNotice, error) {
	n := &MoveNotice{From: from, To: newBundle.Address, Bundle: newBundle, TS: deps.Millis()}
	err := n.check()
	if err == nil {
		n.raw, err = signing.SignObject(n.fields, &n.Sig, oldSignKey)
	}
	if err != nil {
		return nil, fmt.Errorf("new move notice: %w", err)
	}
	return n, nil
}

// check is the consistency a notice needs beyond its shape: From and To
// differ (malformed "to") and the bundle is To's (malformed "bundle").
func (n *MoveNotice) check() error {
	if err := checkAddress("/from", n.From); err != nil {
		return err
	}
	if n.From == n.To {
		return wire.Errorf(wire.Malformed, "/to", "an account cannot move to its own address %s", n.To)
	}
	if n.Bundle.Address != n.To {
		return wire.Errorf(wire.Malformed, "/bundle", "bundle is for %s, the move is to %s", n.Bundle.Address, n.To)
	}
	return nil
}

func (n *MoveNotice) fields() any {
	return struct {
		Type string `json:"type"`
		*moveFields
	}{TypeMove, (*moveFields)(n)}
}

// ParseMoveNotice decodes a move notice strictly and remembers raw for
// [MoveNotice.Verify]. The embedded bundle is read by [keys.ParseBundle],
// which also checks its own signature; then [MoveNotice.check] runs.
func ParseMoveNotice(raw []byte) (*MoveNotice, error) {
	n, err := parseMove(raw)
	if err != nil {
		return nil, fmt.Errorf("parse move notice: %w", err)
	}
	return n, nil
}

func parseMove(raw []byte) (*MoveNotice, error) {
	r, err := parseSigned(raw, TypeMove, moveMembers)
	if err != nil {
		return nil, err
	}
	n := &MoveNotice{From: r.Address("from"), To: r.Address("to"), Bundle: readBundle(r, "bundle"),
		TS: r.Millis("ts"), Sig: r.Bytes("sig", ed25519.SignatureSize), raw: clone(raw)}
	if r.Err() != nil {
		return nil, r.Err()
	}
	return n, n.check()
}

// Verify checks the notice with the OLD account's sign key, in this order:
// From differs from To and the bundle is To's (malformed); the signature
// over the notice as received (bad_signature, bad_key for a key not 32
// bytes); the new bundle's own signatures ([keys.Bundle.Verify]).
func (n *MoveNotice) Verify(oldPub ed25519.PublicKey) error {
	if err := n.verify(oldPub); err != nil {
		return fmt.Errorf("verify move notice: %w", err)
	}
	return nil
}

func (n *MoveNotice) verify(oldPub ed25519.PublicKey) error {
	if err := n.check(); err != nil {
		return err
	}
	if err := signing.VerifyEncoded(n, oldPub); err != nil {
		return err
	}
	if err := n.Bundle.Verify(); err != nil {
		return strict.At("/bundle", err)
	}
	return nil
}

// Bytes returns the notice's encoding, as [LoginProof.Bytes] does.
func (n *MoveNotice) Bytes() ([]byte, error) { return signing.Encoding(n.raw, n.fields) }

// MarshalJSON returns [MoveNotice.Bytes].
func (n *MoveNotice) MarshalJSON() ([]byte, error) { return n.Bytes() }

// UnmarshalJSON is [ParseMoveNotice].
func (n *MoveNotice) UnmarshalJSON(raw []byte) error {
	p, err := ParseMoveNotice(raw)
	if err == nil {
		*n = *p
	}
	return err
}
