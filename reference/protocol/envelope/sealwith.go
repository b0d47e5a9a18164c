package envelope

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Params is everything that determines an envelope's bytes. [Seal] draws
// the random parts from its deps; the vector generator and other
// implementations' tests fill them in explicitly and get the same bytes
// from [SealWith] in any conforming implementation.
type Params struct {
	ID      string          // ULID in canonical form
	From    address.Address // the sender
	To      address.Address // the recipient, or the group address
	TS      wire.Millis     // the send time, in the inner message and the envelope
	TTL     int             // seconds, at least 1
	Session string          // optional session ticket id
	Body    json.RawMessage // a body object; sent in canonical form

	SignKey    ed25519.PrivateKey   // the sender's signing key
	ContentKey [ContentKeySize]byte // the payload key
	Nonce      [NonceSize]byte      // the payload nonce
	Wraps      []Wrap               // one per reader, the sender included
}

// Wrap is one reader of an envelope: the content key is sealed to BoxKey
// with the ephemeral secret Ephemeral and stored under To in "keys".
type Wrap struct {
	To        address.Address
	BoxKey    *[32]byte // the reader's X25519 public key
	Ephemeral [32]byte  // the sealed box's ephemeral X25519 secret
}

// SealWith builds the envelope determined by p: it signs the inner message
// with p.SignKey, encrypts its JCS form under p.ContentKey and p.Nonce, and
// seals the content key for every Wrap. Invalid parameters fail with the
// defect [ParseEnvelope] would report for the result; an envelope larger
// than [MaxEnvelopeBytes] fails with [wire.TooLarge].
func SealWith(p Params) (*Envelope, *Inner, error) {
	if err := p.check(); err != nil {
		return nil, nil, fmt.Errorf("seal: %w", err)
	}
	body, err := canonicalBody(p.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("seal: %w", err)
	}
	in := &Inner{V: Version, ID: p.ID, From: p.From, To: p.To, TS: p.TS, Body: body}
	plaintext := signInner(in, body, p.SignKey)
	payload, err := encryptPayload(&p.ContentKey, &p.Nonce, plaintext)
	if err != nil {
		return nil, nil, fmt.Errorf("seal: encrypt payload: %w", err)
	}
	keys, err := wrapKeys(&p.ContentKey, p.Wraps)
	if err != nil {
		return nil, nil, fmt.Errorf("seal: %w", err)
	}
	env := &Envelope{V: Version, ID: p.ID, From: p.From, To: p.To, Session: p.Session,
		TS: p.TS, TTL: p.TTL, Keys: keys, Payload: payload}
	if n := env.Size(); n > MaxEnvelopeBytes {
		return nil, nil, wire.Errorf(wire.TooLarge, "", "envelope would be %d bytes, the limit is %d", n, MaxEnvelopeBytes)
	}
	return env, in, nil
}

// signInner signs the inner message, sets in.Sig and returns its JCS form.
// One buffer holds the signing input, then the signed message.
func signInner(in *Inner, body []byte, key ed25519.PrivateKey) []byte {
	buf := appendInner(make([]byte, 0, innerSize(in, body)), in, body, nil)
	in.Sig = ed25519.Sign(key, buf)
	return appendInner(buf[:0], in, body, in.Sig)
}

// wrapKeys seals the content key for every reader; the boxes share one
// allocation.
func wrapKeys(contentKey *[ContentKeySize]byte, wraps []Wrap) (map[address.Address]wire.Bytes, error) {
	keys := make(map[address.Address]wire.Bytes, len(wraps))
	backing := make([]byte, 0, len(wraps)*WrappedKeySize)
	for i := range wraps {
		w := &wraps[i]
		start := len(backing)
		box, err := sealKey(backing[start:start:start+WrappedKeySize], contentKey[:], w.BoxKey, &w.Ephemeral)
		if err != nil {
			return nil, wire.Errorf(wire.BadKey, join("/keys", w.To.String()), "cannot seal to this box key: %v", err)
		}
		backing = backing[:start+len(box)]
		keys[w.To] = box
	}
	return keys, nil
}

// check validates the parameters before any work is done.
func (p *Params) check() error {
	if err := checkHeader(p.ID, p.From, p.To, p.Session, p.TS, p.TTL); err != nil {
		return err
	}
	if len(p.SignKey) != ed25519.PrivateKeySize {
		return wire.Errorf(wire.BadKey, "/sign_key", "got %d bytes, want %d", len(p.SignKey), ed25519.PrivateKeySize)
	}
	return checkWraps(p.Wraps)
}

// checkWraps requires at least one reader, each once, with a box key.
func checkWraps(wraps []Wrap) error {
	if len(wraps) == 0 {
		return wire.Errorf(wire.Malformed, "/keys", "no readers")
	}
	seen := make(map[address.Address]bool, len(wraps))
	for _, w := range wraps {
		field := join("/keys", w.To.String())
		if err := checkAddress(w.To, field); err != nil {
			return err
		}
		if seen[w.To] {
			return wire.Errorf(wire.Malformed, field, "reader listed twice")
		}
		seen[w.To] = true
		if w.BoxKey == nil {
			return wire.Errorf(wire.BadKey, field, "no box key")
		}
	}
	return nil
}
