package client

import (
	"encoding/json"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// State is where a contact stands, as the server's contact states plus
// the states a client remembers after the server forgot them.
type State string

// Contact states.
const (
	PendingOut State = "pending_out" // we asked, they have not answered
	PendingIn  State = "pending_in"  // they asked, we have not answered
	Accepted   State = "accepted"    // both sides hold the other's keys
	Blocked    State = "blocked"
	Declined   State = "declined"   // they declined our request
	Removed    State = "removed"    // one side removed the other; the keys are kept
	GroupPeer  State = "group_peer" // no contact: a fellow group member whose keys were fetched
	Moved      State = "moved"      // the contact moved; it is held under MovedTo now
	Deleted    State = "deleted"    // the contact deleted its account
)

// Contact is what the client holds about another account: its state and
// the part of its key bundle chain this client has verified, oldest first.
// The chain is kept even when the contact is removed, so that a later
// request under the same address is checked against the keys held.
//
// Warning is set when a bundle was offered for the contact that does not
// chain from the keys held (CLIENT-KEY-03): the offered bundle is kept
// there, for the user to look at, and never used.
type Contact struct {
	Address address.Address `json:"address"`
	State   State           `json:"state"`
	Chain   []keys.Bundle   `json:"chain,omitempty"`
	Note    string          `json:"note,omitempty"`    // the note of a request received
	MovedTo address.Address `json:"moved_to,omitzero"` // the new address, when State is Moved
	Warning *KeyWarning     `json:"warning,omitempty"`
}

// Bundle returns the newest verified bundle of the contact, whose box key
// messages are sealed to; ok is false when the client holds none.
func (c Contact) Bundle() (b keys.Bundle, ok bool) {
	if len(c.Chain) == 0 {
		return keys.Bundle{}, false
	}
	return c.Chain[len(c.Chain)-1], true
}

// signerAt returns the bundle whose signing key was current at ts: the
// newest one created at or before ts, or the oldest when all are later
// (a sender's clock behind ours).
func (c Contact) signerAt(ts wire.Millis) (keys.Bundle, bool) {
	if len(c.Chain) == 0 {
		return keys.Bundle{}, false
	}
	for i := len(c.Chain) - 1; i >= 0; i-- {
		if c.Chain[i].Created <= ts {
			return c.Chain[i], true
		}
	}
	return c.Chain[0], true
}

// KeyWarning records a key change that was refused: when, why, and the
// bundles offered, as received.
type KeyWarning struct {
	At      wire.Millis       `json:"at"`
	Reason  string            `json:"reason"`
	Offered []json.RawMessage `json:"offered"`
}
