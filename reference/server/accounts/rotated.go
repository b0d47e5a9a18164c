package accounts

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// maxRotatedTo is how many recipients one key_rotated federation item
// names; more contacts on one server get several items.
const maxRotatedTo = 100

// announcement is what a rotation leaves for after its commit: local
// contacts whose streams have a key_rotated event, and destinations whose
// queues have a key_rotated item.
type announcement struct {
	wake []address.Address
	kick []string
}

// announce tells every accepted contact of nb's account about the new
// bundle raw, in the store operation that appended it: a key_rotated
// event for a local contact (KEY-ROTATE-01), a key_rotated federation
// item per server of remote contacts (KEY-ROTATE-02).
func (s *Service) announce(tx *store.Tx, nb keys.Bundle, raw []byte, now wire.Millis) (announcement, error) {
	var out announcement
	contacts, err := tx.Contacts(nb.Address.String())
	if err != nil {
		return out, err
	}
	remote := map[string][]string{} // domain → contacts there
	for _, c := range contacts {
		if c.State != store.ContactAccepted {
			continue
		}
		peer, err := address.ParseCanonical(c.Address)
		if err != nil {
			return out, fmt.Errorf("stored contact %q: %w", c.Address, err)
		}
		if peer.Domain != s.cfg.Domain {
			remote[peer.Domain] = append(remote[peer.Domain], c.Address)
			continue
		}
		pushed, err := PushKeyRotated(tx, c.Address, nb, raw, now)
		if err != nil {
			return out, err
		}
		if pushed {
			out.wake = append(out.wake, peer)
		}
	}
	for _, domain := range slices.Sorted(maps.Keys(remote)) {
		if err := enqueueRotated(tx, domain, raw, remote[domain]); err != nil {
			return out, err
		}
		out.kick = append(out.kick, domain)
	}
	return out, nil
}

// enqueueRotated queues key_rotated items (fed-item.json) for the contacts
// to on domain; such items carry no ttl and wait until answered.
func enqueueRotated(tx *store.Tx, domain string, raw []byte, to []string) error {
	for chunk := range slices.Chunk(to, maxRotatedTo) {
		item, err := json.Marshal(struct {
			Kind   string          `json:"kind"`
			Bundle json.RawMessage `json:"bundle"`
			To     []string        `json:"to"`
		}{"key_rotated", raw, chunk})
		if err != nil {
			return fmt.Errorf("key_rotated item: %w", err)
		}
		if _, err := tx.Enqueue(domain, item, 0); err != nil {
			return err
		}
	}
	return nil
}

// PushKeyRotated tells the local account owner that its contact
// nb.Address now has the bundle nb (raw as received): the contact record
// keeps the new bundle and owner's stream gets a key_rotated event
// (stream-event.json). Only an owner that still reads events (active or
// suspended) and holds nb.Address as an accepted contact is told; the
// result says whether it was. The federation inbox uses it too.
func PushKeyRotated(tx *store.Tx, owner string, nb keys.Bundle, raw []byte, now wire.Millis) (bool, error) {
	acct, ok, err := tx.GetAccount(owner)
	if err != nil || !ok || (acct.State != store.StateActive && acct.State != store.StateSuspended) {
		return false, err
	}
	c, ok, err := tx.GetContact(owner, nb.Address.String())
	if err != nil || !ok || c.State != store.ContactAccepted {
		return false, err
	}
	c.Bundle, c.Updated = raw, now
	if err := tx.PutContact(owner, c); err != nil {
		return false, err
	}
	ev, err := json.Marshal(struct {
		Kind    string          `json:"kind"`
		Address string          `json:"address"`
		Bundle  json.RawMessage `json:"bundle"`
	}{"key_rotated", nb.Address.String(), raw})
	if err != nil {
		return false, fmt.Errorf("key_rotated event: %w", err)
	}
	if _, err := tx.AppendEvent(owner, ev, 0); err != nil {
		return false, fmt.Errorf("key_rotated event for %s: %w", owner, err)
	}
	return true, nil
}
