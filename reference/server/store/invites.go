package store

import (
	"bytes"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// invite is the value of an invite token (stored by its [TokenHash]).
type invite struct {
	Expires wire.Millis `json:"expires"`
}

// PutInvite records an invite token, by its hash, valid until expires.
func (t *Tx) PutInvite(hash TokenHash, expires wire.Millis) error {
	key := bytes.Clone(hash[:])
	if err := t.putJSON(bucketInvites, key, invite{Expires: expires}); err != nil {
		return fmt.Errorf("put invite: %w", err)
	}
	if err := t.indexExpiry(expiryInvites, key, expires); err != nil {
		return fmt.Errorf("put invite: %w", err)
	}
	return nil
}

// UseInvite consumes an invite token: one use only. It fails with
// [ErrNotFound] (unknown or already used) or [ErrExpired], writing nothing.
func (t *Tx) UseInvite(hash TokenHash, now wire.Millis) error {
	var inv invite
	ok, err := t.getJSON(bucketInvites, hash[:], &inv)
	switch {
	case err != nil:
		return fmt.Errorf("use invite: %w", err)
	case !ok:
		return fmt.Errorf("use invite: %w", ErrNotFound)
	case expired(inv.Expires, now):
		return fmt.Errorf("use invite: %w", ErrExpired)
	}
	if err := t.del(bucketInvites, bytes.Clone(hash[:])); err != nil {
		return fmt.Errorf("use invite: %w", err)
	}
	return nil
}

// ExpireInvites removes up to limit unused invites expired at or before
// now; more reports that expired ones remain.
func (t *Tx) ExpireInvites(now wire.Millis, limit int) (removed int, more bool, err error) {
	more, err = t.sweep(expiryInvites, now, limit, func(pk []byte, _ wire.Millis) error {
		if !t.has(bucketInvites, pk) {
			return nil
		}
		removed++
		return t.del(bucketInvites, pk)
	})
	if err != nil {
		return 0, false, fmt.Errorf("expire invites: %w", err)
	}
	return removed, more, nil
}
