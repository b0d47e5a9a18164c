package client

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// This file applies the stream events of the migration and retention
// profiles: a contact moved or deleted its account, or the server dropped
// an envelope that expired unread.

// applyMoved switches the contact n.From to n.To when the notice verifies
// with the newest keys held for n.From (CLIENT-MOVE-01): the new contact
// keeps the state and holds the notice's bundle; the old one is marked
// moved. A notice that does not verify, or for no contact held, changes
// nothing and is told as NoticeRefused.
func applyMoved(tx *bolt.Tx, now wire.Millis, seq uint64, raw json.RawMessage, out *outcome) error {
	n, err := account.ParseMoveNotice(raw)
	if err != nil {
		out.notice(Notice{Kind: NoticeRefused, Seq: seq, Err: err})
		return nil
	}
	old, ok, err := verifiedHolder(tx, n.From, n.Verify)
	if err != nil || !ok {
		return refused(err, seq, n.From, out)
	}
	next := Contact{Address: n.To, State: old.State, Chain: []keys.Bundle{n.Bundle}}
	if held, ok, err := getContact(tx, n.To); err != nil {
		return err
	} else if ok && len(held.Chain) > 0 && !held.Chain[0].SignPublic().Equal(n.Bundle.SignPublic()) {
		return refused(fmt.Errorf("a contact %s with other keys is held already", n.To), seq, n.From, out)
	}
	old.State, old.MovedTo = Moved, n.To
	if err := putContact(tx, old); err != nil {
		return err
	}
	if err := putContact(tx, next); err != nil {
		return err
	}
	out.notice(Notice{Kind: ContactMoved, Seq: seq, Address: n.From, MovedTo: n.To})
	return nil
}

// applyDeleted marks the contact n.Address deleted when the notice
// verifies with the newest keys held for it.
func applyDeleted(tx *bolt.Tx, seq uint64, raw json.RawMessage, out *outcome) error {
	n, err := account.ParseDeleteNotice(raw)
	if err != nil {
		out.notice(Notice{Kind: NoticeRefused, Seq: seq, Err: err})
		return nil
	}
	ct, ok, err := verifiedHolder(tx, n.Address, n.Verify)
	if err != nil || !ok {
		return refused(err, seq, n.Address, out)
	}
	ct.State = Deleted
	if err := putContact(tx, ct); err != nil {
		return err
	}
	out.notice(Notice{Kind: ContactDeleted, Seq: seq, Address: n.Address})
	return nil
}

// verifiedHolder returns the contact held for signer once verify accepts
// its newest key; ok is false (with a verification error in err wrapped
// as a refusal) otherwise.
func verifiedHolder(tx *bolt.Tx, signer address.Address, verify func(ed25519.PublicKey) error) (Contact, bool, error) {
	ct, ok, err := getContact(tx, signer)
	if err != nil {
		return Contact{}, false, err
	}
	b, hasKeys := ct.Bundle()
	if !ok || !hasKeys {
		return Contact{}, false, errRefused{fmt.Errorf("no keys held for %s", signer)}
	}
	if err := verify(b.SignPublic()); err != nil {
		return Contact{}, false, errRefused{err}
	}
	return ct, true, nil
}

// errRefused marks a notice refused rather than a failure of the store.
type errRefused struct{ err error }

func (e errRefused) Error() string { return e.err.Error() }

// refused tells a refused notice for addr, or returns a store failure.
func refused(err error, seq uint64, addr address.Address, out *outcome) error {
	var r errRefused
	switch {
	case err == nil:
		return nil
	case errors.As(err, &r):
		out.notice(Notice{Kind: NoticeRefused, Seq: seq, Address: addr, Err: r.err})
		return nil
	}
	return err
}

// applyExpired deletes the local copy of the envelope (from, id), if
// held, and tells it. Favorites are kept apart and stay.
func applyExpired(tx *bolt.Tx, seq uint64, from address.Address, id string, out *outcome) error {
	if from.IsZero() || id == "" {
		return nil
	}
	suffix := seenKey(from, id)
	b := tx.Bucket(bucketMessages)
	var doomed [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) > 8 && bytes.Equal(k[8:], suffix) {
			doomed = append(doomed, bytes.Clone(k))
		}
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	out.notice(Notice{Kind: MessageExpired, Seq: seq, Address: from, ID: id})
	return nil
}
