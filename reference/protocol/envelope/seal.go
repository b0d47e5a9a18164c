package envelope

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/oklog/ulid/v2"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Sender is the account that seals a message: its address, its signing
// key, and its own X25519 public key, so that it can read its sent message
// later (other devices, favorites). *keys.Identity is a Sender; so is
// [SenderKeys].
type Sender interface {
	Address() address.Address
	SignKey() ed25519.PrivateKey
	BoxPublic() *[32]byte
}

// SenderKeys is a [Sender] made of plain keys, for callers that do not hold
// a keys.Identity.
type SenderKeys struct {
	Addr address.Address
	Sign ed25519.PrivateKey
	Box  *[32]byte // X25519 public key
}

var _ Sender = SenderKeys{}

func (s SenderKeys) Address() address.Address    { return s.Addr }
func (s SenderKeys) SignKey() ed25519.PrivateKey { return s.Sign }
func (s SenderKeys) BoxPublic() *[32]byte        { return s.Box }

// Options are the sender's choices for one envelope.
type Options struct {
	TTL     int    // seconds servers keep the envelope; 0 means DefaultTTL
	Session string // the session ticket id, when the message belongs to a session
}

// Seal builds, signs and encrypts a message from sender to "to" and returns
// the envelope to send and the inner message it carries. recipients maps
// each reader to its X25519 public key: for a 1:1 message the recipient
// ("to"), for a group message every member (and "to" is the group address).
// The sender is always added as a reader. body is a JSON object with a
// "type" ([TextBody] builds a text body); it is sent in canonical form.
//
// Every random value comes from deps.Rand, in the order given in the
// package documentation, and the time from deps.Now, so [wire.Seeded] deps
// reproduce every byte. [SealWith] takes those values explicitly.
func Seal(deps wire.Deps, sender Sender, to address.Address, recipients map[address.Address]*[32]byte, body json.RawMessage, opts Options) (*Envelope, *Inner, error) {
	p, err := newParams(deps, sender, to, recipients, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("seal: %w", err)
	}
	p.Body = body
	return SealWith(p)
}

// newParams draws the id, time, content key, nonce and ephemeral secrets
// of one envelope from deps.
func newParams(deps wire.Deps, sender Sender, to address.Address, recipients map[address.Address]*[32]byte, opts Options) (Params, error) {
	p := Params{From: sender.Address(), To: to, TTL: opts.TTL, Session: opts.Session, SignKey: sender.SignKey()}
	if p.TTL == 0 {
		p.TTL = DefaultTTL
	}
	p.TS = deps.Millis()
	if p.TS < 0 {
		return Params{}, wire.Errorf(wire.Malformed, "/ts", "clock reads before 1970")
	}
	id, err := ulid.New(uint64(p.TS), deps.Rand)
	if err != nil {
		return Params{}, fmt.Errorf("draw id: %w", err)
	}
	p.ID = id.String()
	if _, err := io.ReadFull(deps.Rand, p.ContentKey[:]); err != nil {
		return Params{}, fmt.Errorf("draw content key: %w", err)
	}
	if _, err := io.ReadFull(deps.Rand, p.Nonce[:]); err != nil {
		return Params{}, fmt.Errorf("draw nonce: %w", err)
	}
	p.Wraps, err = readerWraps(sender, recipients)
	if err != nil {
		return Params{}, err
	}
	for i := range p.Wraps {
		if _, err := io.ReadFull(deps.Rand, p.Wraps[i].Ephemeral[:]); err != nil {
			return Params{}, fmt.Errorf("draw ephemeral key: %w", err)
		}
	}
	return p, nil
}

// readerWraps lists the readers (recipients and the sender) in ascending
// address order, the order in which their ephemeral secrets are drawn.
func readerWraps(sender Sender, recipients map[address.Address]*[32]byte) ([]Wrap, error) {
	self, selfKey := sender.Address(), sender.BoxPublic()
	if selfKey == nil {
		return nil, wire.Errorf(wire.BadKey, join("/keys", self.String()), "the sender has no box key")
	}
	wraps := make([]Wrap, 0, len(recipients)+1)
	wraps = append(wraps, Wrap{To: self, BoxKey: selfKey})
	for a, k := range recipients {
		if a == self {
			if k == nil || *k != *selfKey {
				return nil, wire.Errorf(wire.BadKey, join("/keys", a.String()), "the recipient key given for the sender is not the sender's box key")
			}
			continue
		}
		wraps = append(wraps, Wrap{To: a, BoxKey: k})
	}
	slices.SortFunc(wraps, func(x, y Wrap) int { return compareAddress(x.To, y.To) })
	return wraps, nil
}
