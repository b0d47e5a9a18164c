package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"

	bolt "go.etcd.io/bbolt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// RequestContact asks peer to become a contact, sending the account's
// bundle and an optional note (POST /contacts/requests). The contact is
// pending_out locally until peer's acceptance arrives on the stream.
func (c *Client) RequestContact(ctx context.Context, peer address.Address, note string) error {
	id, err := c.mustIdentity()
	if err != nil {
		return fmt.Errorf("contact request to %s: %w", peer, err)
	}
	body := map[string]any{"to": peer, "bundle": id.Bundle()}
	if note != "" {
		body["note"] = note
	}
	if err := c.authed(ctx, "POST", "/emsg/v1/contacts/requests", body, nil); err != nil {
		return fmt.Errorf("contact request to %s: %w", peer, err)
	}
	_, err = c.updateContact(peer, nil, func(ct *Contact) {
		if ct.State != Accepted {
			ct.State = PendingOut
		}
	})
	return err
}

// Accept accepts peer's pending request, sending the account's bundle and
// receiving peer's (POST /contacts/requests/{peer}/accept). Peer's bundle
// is checked against the chain held, if any: a bundle that does not chain
// is flagged on the contact and returned as a [*KeyChangeError], and the
// keys held stay in use.
func (c *Client) Accept(ctx context.Context, peer address.Address) error {
	id, err := c.mustIdentity()
	if err != nil {
		return fmt.Errorf("accept %s: %w", peer, err)
	}
	var answer struct {
		Bundle json.RawMessage `json:"bundle"`
	}
	path := "/emsg/v1/contacts/requests/" + url.PathEscape(peer.String()) + "/accept"
	if err := c.authed(ctx, "POST", path, map[string]any{"bundle": id.Bundle()}, &answer); err != nil {
		return fmt.Errorf("accept %s: %w", peer, err)
	}
	keyErr, err := c.updateContact(peer, []json.RawMessage{answer.Bundle}, func(ct *Contact) { ct.State = Accepted })
	if err != nil {
		return fmt.Errorf("accept %s: %w", peer, err)
	}
	return keyErr
}

// Contacts asks the server for the account's contacts (GET /contacts),
// records their states and bundles locally — each bundle checked like
// any key change — and returns every contact held locally, by address.
// Bundles refused are flagged on their contacts and also returned, joined,
// as the error, next to the list.
func (c *Client) Contacts(ctx context.Context) ([]Contact, error) {
	var answer struct {
		Contacts []struct {
			Address address.Address `json:"address"`
			State   State           `json:"state"`
			Bundle  json.RawMessage `json:"bundle"`
		} `json:"contacts"`
	}
	if err := c.authed(ctx, "GET", "/emsg/v1/contacts", nil, &answer); err != nil {
		return nil, fmt.Errorf("contacts: %w", err)
	}
	var flagged []error
	for _, sc := range answer.Contacts {
		var offered []json.RawMessage
		if len(sc.Bundle) > 0 && string(sc.Bundle) != "null" {
			offered = []json.RawMessage{sc.Bundle}
		}
		keyErr, err := c.updateContact(sc.Address, offered, func(ct *Contact) { ct.State = sc.State })
		if err != nil {
			return nil, fmt.Errorf("contacts: %w", err)
		}
		if keyErr != nil {
			flagged = append(flagged, keyErr)
		}
	}
	list, err := c.LocalContacts()
	if err != nil {
		return nil, err
	}
	return list, errors.Join(flagged...)
}

// LocalContacts returns the contacts held locally, by address, without
// asking the server.
func (c *Client) LocalContacts() ([]Contact, error) {
	var out []Contact
	err := c.store.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketContacts).ForEach(func(k, v []byte) error {
			var ct Contact
			if err := json.Unmarshal(v, &ct); err != nil {
				return fmt.Errorf("contact %s: %w", k, err)
			}
			out = append(out, ct)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("local contacts: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address.String() < out[j].Address.String() })
	return out, nil
}

// Contact returns the local record of peer; ok is false without one.
func (c *Client) Contact(peer address.Address) (ct Contact, ok bool, err error) {
	err = c.store.db.View(func(tx *bolt.Tx) error {
		ct, ok, err = getContact(tx, peer)
		return err
	})
	return ct, ok, err
}

// RefreshKeys fetches peer's key chain (GET /keys/{peer}) and adopts the
// bundles that chain from the keys held (a rotation); anything else is
// flagged and returned as a [*KeyChangeError] (CLIENT-KEY-03).
func (c *Client) RefreshKeys(ctx context.Context, peer address.Address) error {
	chain, err := c.fetchKeys(ctx, true, peer)
	if err != nil {
		return fmt.Errorf("refresh keys of %s: %w", peer, err)
	}
	keyErr, err := c.updateContact(peer, chain, nil)
	if err != nil {
		return fmt.Errorf("refresh keys of %s: %w", peer, err)
	}
	return keyErr
}

// fetchKeys reads GET /keys/{addr}, with a token when authed.
func (c *Client) fetchKeys(ctx context.Context, authed bool, addr address.Address) ([]json.RawMessage, error) {
	var answer struct {
		Bundles []json.RawMessage `json:"bundles"`
	}
	path := "/emsg/v1/keys/" + url.PathEscape(addr.String())
	var err error
	if authed {
		err = c.authed(ctx, "GET", path, nil, &answer)
	} else {
		err = c.call(ctx, false, "GET", path, nil, &answer)
	}
	return answer.Bundles, err
}

// updateContact applies offered bundles and then mutate (when not nil) to
// peer's record in one transaction. A refused key change is flagged on
// the record and returned as keyErr; err is a failure of the store.
func (c *Client) updateContact(peer address.Address, offered []json.RawMessage, mutate func(*Contact)) (keyErr, err error) {
	now := c.opts.deps.Millis()
	err = c.store.db.Update(func(tx *bolt.Tx) error {
		keyErr = nil
		var err error
		keyErr, err = changeContact(tx, now, peer, offered, mutate)
		return err
	})
	return keyErr, err
}

// changeContact is updateContact inside a transaction.
func changeContact(tx *bolt.Tx, now wire.Millis, peer address.Address, offered []json.RawMessage, mutate func(*Contact)) (keyErr, err error) {
	ct, ok, err := getContact(tx, peer)
	if err != nil {
		return nil, err
	}
	if !ok {
		ct = Contact{Address: peer}
	}
	chain, changed, keyErr := linkChain(peer, ct.Chain, offered)
	switch {
	case keyErr != nil:
		ct.Warning = &KeyWarning{At: now, Reason: keyErr.Error(), Offered: offered}
	case changed:
		ct.Chain, ct.Warning = chain, nil
	}
	if mutate != nil {
		mutate(&ct)
	}
	return keyErr, putContact(tx, ct)
}
