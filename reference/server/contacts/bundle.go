package contacts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// parseBundle verifies a bundle received in a body (keys.ParseBundle: its
// defects answer bad_request, bad_address or bad_signature) and returns
// its canonical form, the form this package stores and sends.
func parseBundle(raw json.RawMessage) ([]byte, error) {
	b, err := keys.ParseBundle(raw)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	return b.Canonical()
}

// checkOwnBundle answers forbidden unless bundle (canonical, from
// [parseBundle]) is the newest bundle of caller's key chain.
func (t *txn) checkOwnBundle(caller address.Address, bundle []byte) error {
	cur, err := t.currentBundle(caller)
	if errors.Is(err, store.ErrNotFound) {
		return httpapi.Errorf("forbidden", "%s has no key bundle here", caller)
	}
	if err != nil {
		return err
	}
	if !bytes.Equal(cur, bundle) {
		return httpapi.Errorf("forbidden", "the bundle is not the current key bundle of %s", caller)
	}
	return nil
}

// currentBundle returns the canonical form of the newest bundle of the
// local account a, or an error wrapping [store.ErrNotFound].
func (t *txn) currentBundle(a address.Address) ([]byte, error) {
	raw, err := t.CurrentBundle(a.String())
	if err != nil {
		return nil, err
	}
	b, err := keys.ParseBundle(raw)
	if err != nil {
		return nil, fmt.Errorf("stored bundle of %s: %w", a, err)
	}
	return b.Canonical()
}

// freshBundle returns the bundle to hand out for other: the newest of its
// chain when other is an account of this server, else known (the bundle
// it sent us, canonical).
func (t *txn) freshBundle(other address.Address, known []byte) ([]byte, error) {
	if !t.local(other) {
		return known, nil
	}
	cur, err := t.currentBundle(other)
	if errors.Is(err, store.ErrNotFound) {
		return known, nil // purged account: what we had is all there is
	}
	return cur, err
}

// senderBundle verifies a bundle a remote server relayed for from (in a
// contact_request or contact_response item): keys.ParseBundle, then the
// bundle must be from's own (forbidden otherwise). It returns the
// canonical form. The remote chain is not known here; the server of from
// vouched for it, and clients check key continuity (CLIENT-KEY-03).
func senderBundle(from address.Address, raw json.RawMessage) ([]byte, error) {
	b, err := keys.ParseBundle(raw)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	if b.Address != from {
		return nil, httpapi.Errorf("forbidden", "the bundle is of %s, not of %s", b.Address, from)
	}
	return b.Canonical()
}
