package contacts

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/store"
)

// keyRotated is the key_rotated event and federation item.
type keyRotated struct {
	Kind    string            `json:"kind"` // "key_rotated"
	Address *address.Address  `json:"address,omitempty"`
	Bundle  json.RawMessage   `json:"bundle"`
	To      []address.Address `json:"to,omitempty"`
}

// KeyRotated tells the accepted contacts of addr that it rotated its keys
// to bundle (the new bundle's JSON as received): each local contact gets
// a key_rotated event and its record of addr the new bundle
// (KEY-ROTATE-01); each remote domain gets one key_rotated item naming
// its contacts there (KEY-ROTATE-02). The accounts package calls it once
// the rotation is durable.
func (s *Service) KeyRotated(ctx context.Context, addr address.Address, bundle []byte) error {
	err := s.update(ctx, s.now(), func(t *txn) error {
		list, err := t.Contacts(addr.String())
		if err != nil {
			return err
		}
		remote := map[string][]address.Address{}
		for _, c := range list {
			if c.State != store.ContactAccepted {
				continue
			}
			other, err := address.ParseCanonical(c.Address)
			if err != nil {
				return fmt.Errorf("contact %q: %w", c.Address, err)
			}
			if !t.local(other) {
				remote[other.Domain] = append(remote[other.Domain], other)
				continue
			}
			if err := t.tellLocal(other, addr, bundle); err != nil {
				return err
			}
		}
		for _, to := range remote {
			if err := t.item(to[0], keyRotated{Kind: "key_rotated", Bundle: bundle, To: to}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("key_rotated for the contacts of %s: %w", addr, err)
	}
	return nil
}

// tellLocal updates other's record of addr to the new bundle and pushes
// the key_rotated event.
func (t *txn) tellLocal(other, addr address.Address, bundle []byte) error {
	rec, err := t.contact(other, addr)
	if err != nil {
		return err
	}
	if rec.State == store.ContactAccepted {
		if err := t.put(other, addr, store.ContactAccepted, bundle); err != nil {
			return err
		}
	}
	return t.event(other, keyRotated{Kind: "key_rotated", Address: &addr, Bundle: bundle})
}
