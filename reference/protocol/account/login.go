package account

import (
	"crypto/ed25519"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// TypeLogin is the "type" of a login proof.
const TypeLogin = "login"

// ChallengeSize is the length of a login challenge.
const ChallengeSize = 32

var loginMembers = []string{"type", "address", "challenge", "domain", "ts", "sig"}

// LoginProof answers a login challenge: the client signs the server's
// 32-byte challenge, the server's domain and the time with the account key
// and POSTs it to /login for a bearer token. The server then checks what
// this package cannot: that the challenge is one it issued and has not
// expired or been used, that domain is its own, and ts against its clock.
type LoginProof struct {
	Address   address.Address `json:"address"`
	Challenge wire.Bytes      `json:"challenge"` // 32 bytes from POST /login/challenge
	Domain    string          `json:"domain"`    // the server logged in to
	TS        wire.Millis     `json:"ts"`
	Sig       wire.Bytes      `json:"sig,omitempty"`

	raw []byte
}

type loginFields LoginProof

// NewLoginProof signs a proof for challenge at domain with the account's
// sign key; ts is deps.Now.
func NewLoginProof(deps wire.Deps, addr address.Address, signKey ed25519.PrivateKey, challenge []byte, domain string) (*LoginProof, error) {
	p := &LoginProof{Address: addr, Challenge: challenge, Domain: domain, TS: deps.Millis()}
	if err := p.sign(signKey); err != nil {
		return nil, fmt.Errorf("new login proof: %w", err)
	}
	return p, nil
}

func (p *LoginProof) sign(key ed25519.PrivateKey) error {
	if err := checkAddress("/address", p.Address); err != nil {
		return err
	}
	if len(p.Challenge) != ChallengeSize {
		return wire.Errorf(wire.Malformed, "/challenge", "got %d bytes, want %d", len(p.Challenge), ChallengeSize)
	}
	if err := checkDomain("domain", p.Domain); err != nil {
		return err
	}
	raw, err := signing.SignObject(p.fields, &p.Sig, key)
	p.raw = raw
	return err
}

func (p *LoginProof) fields() any {
	return struct {
		Type string `json:"type"`
		*loginFields
	}{TypeLogin, (*loginFields)(p)}
}

// ParseLoginProof decodes a login proof strictly and remembers raw for
// [LoginProof.Verify].
func ParseLoginProof(raw []byte) (*LoginProof, error) {
	r, err := parseSigned(raw, TypeLogin, loginMembers)
	if err != nil {
		return nil, fmt.Errorf("parse login proof: %w", err)
	}
	p := &LoginProof{
		Address: r.Address("address"), Challenge: r.Bytes("challenge", ChallengeSize),
		Domain: r.Domain("domain"), TS: r.Millis("ts"), Sig: r.Bytes("sig", ed25519.SignatureSize),
		raw: clone(raw),
	}
	if r.Err() != nil {
		return nil, fmt.Errorf("parse login proof: %w", r.Err())
	}
	return p, nil
}

// Verify checks the signature, over the proof as received, with the
// account's sign key: bad_signature, or bad_key for a key not 32 bytes.
func (p *LoginProof) Verify(pub ed25519.PublicKey) error {
	if err := signing.VerifyEncoded(p, pub); err != nil {
		return fmt.Errorf("verify login proof: %w", err)
	}
	return nil
}

// Bytes returns the proof's encoding: the bytes it was made or received
// as, or (built by hand) its canonical encoding.
func (p *LoginProof) Bytes() ([]byte, error) { return signing.Encoding(p.raw, p.fields) }

// MarshalJSON returns [LoginProof.Bytes].
func (p *LoginProof) MarshalJSON() ([]byte, error) { return p.Bytes() }

// UnmarshalJSON is [ParseLoginProof].
func (p *LoginProof) UnmarshalJSON(raw []byte) error {
	q, err := ParseLoginProof(raw)
	if err == nil {
		*p = *q
	}
	return err
}
