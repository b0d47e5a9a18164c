package envelope

import (
	"bytes"
	"crypto/ed25519"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Open decrypts and verifies an envelope for reader, whose X25519 private
// key is readerBox, with the sender's Ed25519 public key (from the
// sender's key bundle valid at env.TS). It returns the authenticated inner
// message, or the first failure:
//
//   - [wire.UnsupportedVersion]: the envelope or the inner message is not v1;
//   - [wire.NotARecipient]: env.Keys has no entry for reader;
//   - [wire.DecryptFailed]: the wrapped key or the payload does not authenticate;
//   - [wire.BadEncoding], [wire.Malformed], [wire.BadAddress]: the inner message
//     is not a valid one (see [ParseInner]);
//   - [wire.BadSignature]: the inner signature does not verify;
//   - [wire.RoutingMismatch]: the envelope's routing fields differ from the
//     signed ones (see [CheckRouting]).
//
// A reader that opens many envelopes should make an [Opener] once.
func Open(env *Envelope, reader address.Address, readerBox *[32]byte, senderSignKey ed25519.PublicKey) (*Inner, error) {
	o, err := NewOpener(reader, readerBox)
	if err != nil {
		return nil, err
	}
	return o.Open(env, senderSignKey)
}

// Opener is a reader's decryption key, loaded once: opening then costs one
// X25519 multiplication per envelope instead of two. Servers that hold
// nothing private never need one; clients, bots and the load simulator do.
// An Opener is safe for concurrent use.
type Opener struct {
	reader address.Address
	key    *boxKey
}

// NewOpener loads the X25519 private key of reader.
func NewOpener(reader address.Address, readerBox *[32]byte) (*Opener, error) {
	if readerBox == nil {
		return nil, wire.Errorf(wire.BadKey, "/box_key", "no private key")
	}
	key, err := newBoxKey(readerBox)
	if err != nil {
		return nil, wire.Wrap(wire.BadKey, "box_key", err)
	}
	return &Opener{reader: reader, key: key}, nil
}

// Open is [Open] with the loaded key.
func (o *Opener) Open(env *Envelope, senderSignKey ed25519.PublicKey) (*Inner, error) {
	plaintext, err := o.decrypt(env)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	in, err := verifiedInner(plaintext, senderSignKey)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	if err := CheckRouting(env, in); err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	return in, nil
}

// decrypt unwraps the reader's content key and decrypts the payload.
func (o *Opener) decrypt(env *Envelope) ([]byte, error) {
	if env == nil {
		return nil, wire.Errorf(wire.Malformed, "", "no envelope")
	}
	if env.V != Version {
		return nil, wire.Errorf(wire.UnsupportedVersion, "/v", "version %d, this implementation speaks %d", env.V, Version)
	}
	field := join("/keys", o.reader.String())
	wrapped, ok := env.Keys[o.reader]
	if !ok {
		return nil, wire.Errorf(wire.NotARecipient, field, "no wrapped key for %s", o.reader)
	}
	contentKey, ok := o.key.open(wrapped)
	if !ok || len(contentKey) != ContentKeySize {
		return nil, wire.Errorf(wire.DecryptFailed, field, "the wrapped content key does not open with this key")
	}
	plaintext, ok := decryptPayload(contentKey, env.Payload)
	if !ok {
		return nil, wire.Errorf(wire.DecryptFailed, "/payload", "the payload does not authenticate under the content key")
	}
	return plaintext, nil
}

// verifiedInner decodes the decrypted inner message and checks its
// signature over the bytes as received. A conforming sender encrypts the
// JCS form, so the signing input is that form without "sig": the fast
// path ([decodeCanonicalInner]) and the strict decoder both establish that
// the received bytes are canonical before relying on it. Any other input is
// verified by [signing.Verify], which canonicalises the bytes as received.
func verifiedInner(raw []byte, pub ed25519.PublicKey) (*Inner, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, wire.Errorf(wire.BadKey, "/sign_key", "sender key is %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	if in, body, ok := decodeCanonicalInner(raw); ok {
		if err := verifyCanonical(in, body, pub); err != nil {
			return nil, err
		}
		return in, nil
	}
	in, body, err := decodeInner(raw)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(appendInner(make([]byte, 0, len(raw)), in, body, in.Sig), raw) {
		if err := signing.Verify(raw, pub); err != nil {
			return nil, at("/inner/sig", err)
		}
		return in, nil
	}
	if err := verifyCanonical(in, body, pub); err != nil {
		return nil, err
	}
	return in, nil
}

// verifyCanonical checks the signature of an inner message whose received
// form is its JCS form with the canonical body given.
func verifyCanonical(in *Inner, body []byte, pub ed25519.PublicKey) error {
	input := appendInner(make([]byte, 0, innerSize(in, body)), in, body, nil)
	if !ed25519.Verify(pub, input, in.Sig) {
		return wire.Errorf(wire.BadSignature, "/inner/sig", "the signature does not verify with the sender's key")
	}
	return nil
}

// CheckRouting reports whether the envelope's routing fields equal the
// signed inner ones (v, id, from, to, ts), with [wire.RoutingMismatch]
// naming the first that differs. It is what stops a server or a recipient
// from re-addressing or replaying a signed message under other routing.
func CheckRouting(env *Envelope, in *Inner) error {
	switch {
	case env.V != in.V:
		return mismatch("/v", env.V, in.V)
	case env.ID != in.ID:
		return mismatch("/id", env.ID, in.ID)
	case env.From != in.From:
		return mismatch("/from", env.From, in.From)
	case env.To != in.To:
		return mismatch("/to", env.To, in.To)
	case env.TS != in.TS:
		return mismatch("/ts", env.TS, in.TS)
	}
	return nil
}

func mismatch(field string, outer, inner any) error {
	return wire.Errorf(wire.RoutingMismatch, field, "envelope has %v, the signed message %v", outer, inner)
}
