package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
)

// ErrNotImported reports a move to an address whose server does not
// publish this account's keys yet: [Client.Import] there first.
var ErrNotImported = errors.New("the new address does not publish this account's keys; import there first")

// Export reads what the server holds for the account (GET /account/data)
// and signs it, with the account's bundle, as an export bundle: what
// [Client.Import] takes to another server.
func (c *Client) Export(ctx context.Context) (*account.Export, error) {
	id, err := c.mustIdentity()
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	var data struct {
		Contacts  []account.Contact `json:"contacts"`
		Groups    []account.Group   `json:"groups"`
		Settings  account.Settings  `json:"settings"`
		Favorites []json.RawMessage `json:"favorites"`
	}
	if err := c.authed(ctx, "GET", "/emsg/v1/account/data", nil, &data); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	x, err := account.NewExport(c.opts.deps, id.SignKey(), account.Export{
		Bundle: id.Bundle(), Contacts: data.Contacts, Groups: data.Groups, Settings: data.Settings, Favorites: data.Favorites,
	})
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return x, nil
}

// Import takes the account, exported by [Client.Export], to newAddr: it
// registers newAddr with the account's keys (a retry finds them
// registered) and posts the export there (POST /account/import). The
// client stays the old account's until [Client.Move].
func (c *Client) Import(ctx context.Context, newAddr address.Address, x *account.Export) error {
	id, err := c.mustIdentity()
	if err != nil {
		return fmt.Errorf("import to %s: %w", newAddr, err)
	}
	if !x.Bundle.SignPublic().Equal(id.Bundle().SignPublic()) {
		return fmt.Errorf("import to %s: the export is another account's (%s)", newAddr, x.Address)
	}
	next, published, err := c.movedIdentity(ctx, id, newAddr)
	if err != nil {
		return fmt.Errorf("import to %s: %w", newAddr, err)
	}
	there := c.as(next)
	if !published {
		if err := there.call(ctx, false, "POST", "/emsg/v1/register", map[string]any{"bundle": next.Bundle()}, nil); err != nil {
			return fmt.Errorf("import to %s: register: %w", newAddr, err)
		}
	}
	if err := there.authed(ctx, "POST", "/emsg/v1/account/import", x, nil); err != nil {
		return fmt.Errorf("import to %s: %w", newAddr, err)
	}
	return nil
}

// Move tells the old server, with a move notice signed by the account's
// key, that the account now lives at newAddr (POST /account/move); the
// old server tells every contact. newAddr must publish the account's
// keys ([Client.Import] first). The client then is newAddr's: its
// keystore holds the keys under the new address, and its contacts and
// messages stay.
func (c *Client) Move(ctx context.Context, newAddr address.Address) error {
	id, err := c.mustIdentity()
	if err != nil {
		return fmt.Errorf("move to %s: %w", newAddr, err)
	}
	next, published, err := c.movedIdentity(ctx, id, newAddr)
	if err == nil && !published {
		err = ErrNotImported
	}
	if err != nil {
		return fmt.Errorf("move to %s: %w", newAddr, err)
	}
	n, err := account.NewMoveNotice(c.opts.deps, id.Address(), id.SignKey(), next.Bundle())
	if err != nil {
		return fmt.Errorf("move to %s: %w", newAddr, err)
	}
	if err := c.authed(ctx, "POST", "/emsg/v1/account/move", n, nil); err != nil {
		return fmt.Errorf("move to %s: %w", newAddr, err)
	}
	if err := replaceIdentity(c.dir, next); err != nil {
		return fmt.Errorf("move to %s: moved, but the keystore was not updated: %w", newAddr, err)
	}
	// The new server numbers its stream from 1: resume from the start.
	if err := c.store.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Delete(keySeq) }); err != nil {
		return fmt.Errorf("move to %s: moved, but the stream position was not reset: %w", newAddr, err)
	}
	c.mu.Lock()
	c.id, c.token = next, ""
	c.mu.Unlock()
	return nil
}

// Delete deletes the account with a signed delete notice (POST
// /account/delete): the server purges it, tells its contacts and keeps
// the address reserved. The keystore and local store stay, for the user
// to remove.
func (c *Client) Delete(ctx context.Context) error {
	id, err := c.mustIdentity()
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	n, err := account.NewDeleteNotice(c.opts.deps, id.Address(), id.SignKey())
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	if err := c.authed(ctx, "POST", "/emsg/v1/account/delete", n, nil); err != nil {
		return fmt.Errorf("delete %s: %w", id.Address(), err)
	}
	c.mu.Lock()
	c.token = ""
	c.mu.Unlock()
	return nil
}

// movedIdentity returns the account's keys under newAddr: with the bundle
// newAddr's server publishes when these keys log in there (published), or
// with a fresh bundle to register.
func (c *Client) movedIdentity(ctx context.Context, id *keys.Identity, newAddr address.Address) (*keys.Identity, bool, error) {
	fresh, err := id.MovedTo(c.opts.deps, newAddr)
	if err != nil {
		return nil, false, err
	}
	there := c.as(fresh)
	var apiErr *APIError
	if err := there.Login(ctx); errors.As(err, &apiErr) && !apiErr.Temporary() {
		return fresh, false, nil // no account there with these keys (yet)
	} else if err != nil {
		return nil, false, err
	}
	chain, err := there.fetchKeys(ctx, true, newAddr)
	if err != nil {
		return nil, false, err
	}
	if len(chain) == 0 {
		return nil, false, fmt.Errorf("%s publishes no keys", newAddr)
	}
	b, err := keys.ParseBundle(chain[len(chain)-1])
	if err != nil {
		return nil, false, fmt.Errorf("keys of %s: %w", newAddr, err)
	}
	if !b.SignPublic().Equal(fresh.Bundle().SignPublic()) {
		return nil, false, fmt.Errorf("%s is another account's", newAddr)
	}
	pk := fresh.PrivateKeys()
	pk.Bundle = b
	next, err := keys.FromPrivateKeys(pk)
	return next, err == nil, err
}

// as returns a client for identity id sharing this one's directory, local
// store and HTTP client, with no token yet: for the calls to the server
// an account moves to.
func (c *Client) as(id *keys.Identity) *Client {
	return &Client{dir: c.dir, table: c.table, http: c.http, opts: c.opts, store: c.store, id: id}
}
