package account

import (
	"crypto/ed25519"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// TypeDelete is the "type" of a delete notice.
const TypeDelete = "delete"

var deleteMembers = []string{"type", "address", "ts", "sig"}

// DeleteNotice is an account's signed request to be deleted. The client
// POSTs it to /account/delete; the server purges the account, forwards the
// same notice to contacts and groups, and answers later deliveries with
// gone.
type DeleteNotice struct {
	Address address.Address `json:"address"`
	TS      wire.Millis     `json:"ts"`
	Sig     wire.Bytes      `json:"sig,omitempty"`

	raw []byte
}

type deleteFields DeleteNotice

// NewDeleteNotice signs the deletion of addr with its sign key; ts is deps.Now.
func NewDeleteNotice(deps wire.Deps, addr address.Address, signKey ed25519.PrivateKey) (*DeleteNotice, error) {
	n := &DeleteNotice{Address: addr, TS: deps.Millis()}
	err := checkAddress("/address", addr)
	if err == nil {
		n.raw, err = signing.SignObject(n.fields, &n.Sig, signKey)
	}
	if err != nil {
		return nil, fmt.Errorf("new delete notice: %w", err)
	}
	return n, nil
}

func (n *DeleteNotice) fields() any {
	return struct {
		Type string `json:"type"`
		*deleteFields
	}{TypeDelete, (*deleteFields)(n)}
}

// ParseDeleteNotice decodes a delete notice strictly and remembers raw for
// [DeleteNotice.Verify].
func ParseDeleteNotice(raw []byte) (*DeleteNotice, error) {
	r, err := parseSigned(raw, TypeDelete, deleteMembers)
	if err != nil {
		return nil, fmt.Errorf("parse delete notice: %w", err)
	}
	n := &DeleteNotice{Address: r.Address("address"), TS: r.Millis("ts"), Sig: r.Bytes("sig", ed25519.SignatureSize), raw: clone(raw)}
	if r.Err() != nil {
		return nil, fmt.Errorf("parse delete notice: %w", r.Err())
	}
	return n, nil
}

// Verify checks the signature, over the notice as received, with the
// account's sign key: bad_signature, or bad_key for a key not 32 bytes.
func (n *DeleteNotice) Verify(pub ed25519.PublicKey) error {
	if err := signing.VerifyEncoded(n, pub); err != nil {
		return fmt.Errorf("verify delete notice: %w", err)
	}
	return nil
}

// Bytes returns the notice's encoding, as [LoginProof.Bytes] does.
func (n *DeleteNotice) Bytes() ([]byte, error) { return signing.Encoding(n.raw, n.fields) }

// MarshalJSON returns [DeleteNotice.Bytes].
func (n *DeleteNotice) MarshalJSON() ([]byte, error) { return n.Bytes() }

// UnmarshalJSON is [ParseDeleteNotice].
func (n *DeleteNotice) UnmarshalJSON(raw []byte) error {
	p, err := ParseDeleteNotice(raw)
	if err == nil {
		*n = *p
	}
	return err
}
