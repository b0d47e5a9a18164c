package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	bolt "go.etcd.io/bbolt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
)

// Favorite is a message the user pinned: kept locally and on the server
// regardless of its ttl (FAV-KEEP-01, CLIENT-TTL-01). ID is the favorite's
// own id, the id of the copy re-encrypted to the account.
type Favorite struct {
	ID      string  `json:"id"`
	Message Message `json:"message"`
}

// Pin makes m a favorite: its body is sealed again, from the account to
// the account alone, stored on the server (PUT /favorites/{id}) and kept
// locally apart from the messages that expire.
func (c *Client) Pin(ctx context.Context, m Message) (Favorite, error) {
	id, err := c.mustIdentity()
	if err != nil {
		return Favorite{}, fmt.Errorf("pin: %w", err)
	}
	self := id.Address()
	env, _, err := envelope.Seal(c.opts.deps, id, self, map[address.Address]*[32]byte{self: id.BoxPublic()}, m.Body, envelope.Options{TTL: c.opts.ttl})
	if err != nil {
		return Favorite{}, fmt.Errorf("pin %s: seal: %w", m.ID, err)
	}
	if err := c.authed(ctx, "PUT", "/emsg/v1/favorites/"+url.PathEscape(env.ID), env, nil); err != nil {
		return Favorite{}, fmt.Errorf("pin %s: %w", m.ID, err)
	}
	f := Favorite{ID: env.ID, Message: m}
	raw, err := json.Marshal(f)
	if err != nil {
		return Favorite{}, fmt.Errorf("pin %s: %w", m.ID, err)
	}
	err = c.store.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketPinned).Put([]byte(f.ID), raw) })
	if err != nil {
		return f, fmt.Errorf("pin %s: pinned on the server, not locally: %w", m.ID, err)
	}
	return f, nil
}

// Unpin deletes the favorite id on the server (DELETE /favorites/{id}) and
// locally. A favorite the server no longer has is still deleted locally.
func (c *Client) Unpin(ctx context.Context, id string) error {
	err := c.authed(ctx, "DELETE", "/emsg/v1/favorites/"+url.PathEscape(id), nil, nil)
	if err != nil && !isCode(err, "not_found") {
		return fmt.Errorf("unpin %s: %w", id, err)
	}
	if err := c.store.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketPinned).Delete([]byte(id)) }); err != nil {
		return fmt.Errorf("unpin %s: %w", id, err)
	}
	return nil
}

// Favorites returns the favorites held locally, by id.
func (c *Client) Favorites() ([]Favorite, error) {
	var out []Favorite
	err := c.store.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPinned).ForEach(func(k, v []byte) error {
			var f Favorite
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("favorite %s: %w", k, err)
			}
			out = append(out, f)
			return nil
		})
	})
	return out, err
}
