package sessions

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/server/fedcall"
	"github.com/emsg-project/emsg/reference/server/store"
)

// errNoKey reports that no bundle of the peer was found.
var errNoKey = errors.New("no published bundle of the peer")

// PublishedKey is the [PeerKey] of a server: the newest bundle of the
// peer's chain fetched from its server (GET
// /emsg/v1/federation/keys/{address}); when that fails, the bundle the
// initiator holds for the peer as an accepted contact.
func PublishedKey(st *store.Store, call *fedcall.Caller) PeerKey {
	return func(ctx context.Context, initiator, peer address.Address) (ed25519.PublicKey, error) {
		k, err := fetchKey(ctx, call, peer)
		if err == nil {
			return k, nil
		}
		if ck, cerr := contactKey(st, initiator, peer); cerr == nil {
			return ck, nil
		}
		return nil, err
	}
}

// fetchKey fetches peer's chain from its server and returns the sign key
// of its newest bundle.
func fetchKey(ctx context.Context, call *fedcall.Caller, peer address.Address) (ed25519.PublicKey, error) {
	if call == nil {
		return nil, errNoKey
	}
	status, body, err := call.Do(ctx, http.MethodGet, peer.Domain, "/emsg/v1/federation/keys/"+url.PathEscape(peer.String()), nil)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("key chain of %s: status %d", peer, status)
	}
	var chain struct {
		Bundles []json.RawMessage `json:"bundles"`
	}
	if err := json.Unmarshal(body, &chain); err != nil || len(chain.Bundles) == 0 {
		return nil, fmt.Errorf("key chain of %s: %w", peer, errNoKey)
	}
	return signKeyOf(chain.Bundles[len(chain.Bundles)-1], peer)
}

// contactKey returns the sign key of the bundle initiator holds for peer.
func contactKey(st *store.Store, initiator, peer address.Address) (ed25519.PublicKey, error) {
	var c store.Contact
	var ok bool
	err := st.View(func(tx *store.Tx) error {
		var err error
		c, ok, err = tx.GetContact(initiator.String(), peer.String())
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case !ok || c.State != store.ContactAccepted || len(c.Bundle) == 0:
		return nil, errNoKey
	}
	return signKeyOf(c.Bundle, peer)
}

// signKeyOf verifies a bundle of peer and returns its sign key.
func signKeyOf(raw []byte, peer address.Address) (ed25519.PublicKey, error) {
	b, err := keys.ParseBundle(raw)
	if err != nil {
		return nil, err
	}
	if b.Address != peer {
		return nil, fmt.Errorf("the bundle is of %s, not %s: %w", b.Address, peer, errNoKey)
	}
	return b.SignPublic(), nil
}
