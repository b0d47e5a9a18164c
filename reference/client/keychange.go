package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
)

// ErrKeyChange is what every refused key change matches with
// errors.Is: a bundle offered for a contact did not chain from the keys
// the client holds for it (CLIENT-KEY-03). It may be an impersonation.
var ErrKeyChange = errors.New("key change refused")

// KeyChangeError names the contact whose offered keys were refused and
// why. It matches [ErrKeyChange].
type KeyChangeError struct {
	Address address.Address
	Reason  string
	Err     error // the verification failure, when there is one
}

func (e *KeyChangeError) Error() string {
	msg := fmt.Sprintf("%v for %s: %s", ErrKeyChange, e.Address, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *KeyChangeError) Unwrap() []error { return []error{ErrKeyChange, e.Err} }

// linkChain decides what the client holds for peer after bundles were
// offered for it (oldest first: a GET /keys chain, or the one bundle of a
// contact event), given the chain held. It returns the new chain and
// whether it changed.
//
//   - Nothing held: the offered chain is taken if it verifies and is
//     peer's (trust on first use — the contact exchange is that first use).
//   - The newest offered bundle is one already held: nothing changes (a
//     server repeating an older bundle is not a key change).
//   - Otherwise the offered bundles must verify, as a chain, from the
//     newest bundle held: either the offered chain contains it, or its
//     first bundle's prev names its signing key. Anything else is a
//     [*KeyChangeError], and the held chain stays as it was.
func linkChain(peer address.Address, held []keys.Bundle, offered []json.RawMessage) ([]keys.Bundle, bool, error) {
	if len(offered) == 0 {
		return held, false, nil
	}
	chain, err := parseChain(peer, offered)
	if err != nil {
		return held, false, err
	}
	if len(held) == 0 {
		return chain, true, nil
	}
	if holds(held, chain[len(chain)-1]) {
		return held, false, nil
	}
	rest, err := after(peer, held[len(held)-1], chain)
	if err != nil {
		return held, false, err
	}
	return append(append([]keys.Bundle(nil), held...), rest...), true, nil
}

// parseChain decodes and verifies offered bundles as a chain of peer's.
func parseChain(peer address.Address, offered []json.RawMessage) ([]keys.Bundle, error) {
	chain := make([]keys.Bundle, len(offered))
	for i, raw := range offered {
		b, err := keys.ParseBundle(raw)
		if err != nil {
			return nil, &KeyChangeError{Address: peer, Reason: fmt.Sprintf("offered bundle %d does not verify", i), Err: err}
		}
		if b.Address != peer {
			return nil, &KeyChangeError{Address: peer, Reason: fmt.Sprintf("offered bundle %d is for %s", i, b.Address)}
		}
		chain[i] = b
	}
	if err := keys.VerifyChain(chain); err != nil {
		return nil, &KeyChangeError{Address: peer, Reason: "the offered chain does not verify", Err: err}
	}
	return chain, nil
}

// after returns the bundles of chain that follow anchor, checking that
// they chain from it.
func after(peer address.Address, anchor keys.Bundle, chain []keys.Bundle) ([]keys.Bundle, error) {
	rest := chain
	for i, b := range chain {
		if same(b, anchor) {
			rest = chain[i+1:]
			break
		}
	}
	if len(rest) == len(chain) && (chain[0].Prev == nil || !bytes.Equal(chain[0].Prev.SignKey, anchor.SignKey)) {
		return nil, &KeyChangeError{Address: peer, Reason: "the offered bundle does not chain from the signing key held"}
	}
	if err := keys.VerifyChain(append([]keys.Bundle{anchor}, rest...)); err != nil {
		return nil, &KeyChangeError{Address: peer, Reason: "the offered bundle does not chain from the signing key held", Err: err}
	}
	return rest, nil
}

// holds reports whether chain contains b.
func holds(chain []keys.Bundle, b keys.Bundle) bool {
	for _, h := range chain {
		if same(h, b) {
			return true
		}
	}
	return false
}

// same reports whether two bundles are the same signed object.
func same(a, b keys.Bundle) bool {
	ca, errA := a.Canonical()
	cb, errB := b.Canonical()
	return errA == nil && errB == nil && bytes.Equal(ca, cb)
}
