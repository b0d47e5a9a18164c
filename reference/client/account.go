package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// errNoToken is the state before the first login.
var errNoToken = errors.New("not logged in")

// Register makes the account's keys, stores them in the keystore and
// registers their bundle at addr's server (POST /register). The keystore
// is written before the request, so keys the server may have accepted are
// never lost. Registering again from a directory whose keystore holds
// addr repeats the request and succeeds when the server already holds
// that very bundle (a retry after a lost answer); a keystore for another
// address is [ErrIdentityExists].
func (c *Client) Register(ctx context.Context, addr address.Address) error {
	id, err := c.identityFor(addr)
	if err != nil {
		return fmt.Errorf("register %s: %w", addr, err)
	}
	err = c.call(ctx, false, "POST", "/emsg/v1/register", map[string]any{"bundle": id.Bundle()}, nil)
	if isCode(err, "address_taken") && c.publishes(ctx, id) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("register %s: %w", addr, err)
	}
	return nil
}

// identityFor returns the identity to register addr with: the one in the
// keystore when it is addr's, or a new one, saved.
func (c *Client) identityFor(addr address.Address) (*keys.Identity, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.id != nil {
		if c.id.Address() != addr {
			return nil, fmt.Errorf("%w for %s", ErrIdentityExists, c.id.Address())
		}
		return c.id, nil
	}
	id, err := keys.NewIdentity(c.opts.deps, addr)
	if err != nil {
		return nil, err
	}
	if err := SaveIdentity(c.dir, id); err != nil {
		return nil, err
	}
	c.id = id
	return id, nil
}

// publishes reports whether the server's newest bundle for id's address
// is id's own.
func (c *Client) publishes(ctx context.Context, id *keys.Identity) bool {
	chain, err := c.fetchKeys(ctx, false, id.Address())
	if err != nil || len(chain) == 0 {
		return false
	}
	b, err := keys.ParseBundle(chain[len(chain)-1])
	return err == nil && same(b, id.Bundle())
}

// Login proves the account's key to its server (POST /login/challenge,
// then POST /login with a signed login proof) and keeps the bearer token
// in memory only. Calls that need a token log in by themselves; Login is
// for callers who want to know early that it works.
func (c *Client) Login(ctx context.Context) error {
	id, err := c.mustIdentity()
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	var ch struct {
		Challenge wire.Bytes `json:"challenge"`
	}
	if err := c.call(ctx, false, "POST", "/emsg/v1/login/challenge", map[string]any{"address": id.Address()}, &ch); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	proof, err := account.NewLoginProof(c.opts.deps, id.Address(), id.SignKey(), ch.Challenge, id.Address().Domain)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	var tok struct {
		Token string `json:"token"`
	}
	if err := c.call(ctx, false, "POST", "/emsg/v1/login", map[string]any{"proof": proof}, &tok); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	c.mu.Lock()
	c.token = tok.Token
	c.mu.Unlock()
	return nil
}

// currentToken returns the bearer token.
func (c *Client) currentToken() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == "" {
		return "", errNoToken
	}
	return c.token, nil
}

// authed is call with a bearer token: it logs in first when there is no
// token, and once more when the server no longer takes the token
// (unauthorized: expired or revoked).
func (c *Client) authed(ctx context.Context, method, path string, body, out any) error {
	if _, err := c.currentToken(); err != nil {
		if err := c.Login(ctx); err != nil {
			return err
		}
	}
	err := c.call(ctx, true, method, path, body, out)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusUnauthorized && apiErr.Code == "unauthorized" {
		if err := c.Login(ctx); err != nil {
			return err
		}
		err = c.call(ctx, true, method, path, body, out)
	}
	return err
}
