package store

import (
	"bytes"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Contact states.
const (
	ContactAccepted   = "accepted"
	ContactBlocked    = "blocked"
	ContactPendingOut = "pending_out"
	ContactPendingIn  = "pending_in"
)

// Contact is one entry of an account's contact list: the other address,
// the state of the pair and the other side's bundle as received (raw
// bytes; empty for a block of a stranger).
type Contact struct {
	Address string      `json:"address"`
	State   string      `json:"state"`
	Bundle  []byte      `json:"bundle,omitempty"`
	Request []byte      `json:"request,omitempty"` // the pending request's wire form, while State is pending
	Updated wire.Millis `json:"updated"`
}

func validContactState(s string) bool {
	switch s {
	case ContactAccepted, ContactBlocked, ContactPendingOut, ContactPendingIn:
		return true
	}
	return false
}

// PutContact creates or replaces c in the contact list of owner.
func (t *Tx) PutContact(owner string, c Contact) error {
	key, err := contactKey(owner, c.Address)
	if err != nil {
		return fmt.Errorf("put contact: %w", err)
	}
	if !validContactState(c.State) {
		return fmt.Errorf("put contact %s of %s: state %q: %w", c.Address, owner, c.State, ErrBadValue)
	}
	if err := t.putJSON(bucketContacts, key, c); err != nil {
		return fmt.Errorf("put contact %s of %s: %w", c.Address, owner, err)
	}
	return nil
}

// GetContact returns the contact addr of owner and whether it exists.
func (t *Tx) GetContact(owner, addr string) (Contact, bool, error) {
	key, err := contactKey(owner, addr)
	if err != nil {
		return Contact{}, false, fmt.Errorf("get contact: %w", err)
	}
	var c Contact
	ok, err := t.getJSON(bucketContacts, key, &c)
	if err != nil {
		return Contact{}, false, fmt.Errorf("get contact %s of %s: %w", addr, owner, err)
	}
	return c, ok, nil
}

// DeleteContact removes addr from the contact list of owner, or returns
// [ErrNotFound].
func (t *Tx) DeleteContact(owner, addr string) error {
	key, err := contactKey(owner, addr)
	if err != nil {
		return fmt.Errorf("delete contact: %w", err)
	}
	if !t.has(bucketContacts, key) {
		return fmt.Errorf("delete contact %s of %s: %w", addr, owner, ErrNotFound)
	}
	return t.del(bucketContacts, key)
}

// Contacts returns the contact list of owner in byte order of addresses.
func (t *Tx) Contacts(owner string) ([]Contact, error) {
	if err := checkName("contacts: owner", owner); err != nil {
		return nil, err
	}
	var out []Contact
	prefix := prefixOf(owner)
	c := t.cursor(bucketContacts)
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var ct Contact
		if err := jsonDecode(v, &ct); err != nil {
			return nil, fmt.Errorf("contacts of %s: %w", owner, err)
		}
		out = append(out, ct)
	}
	return out, nil
}

func contactKey(owner, addr string) ([]byte, error) {
	if err := checkName("owner", owner); err != nil {
		return nil, err
	}
	if err := checkName("contact", addr); err != nil {
		return nil, err
	}
	return nameKey(owner, addr), nil
}
