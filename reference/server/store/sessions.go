package store

import (
	"bytes"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// HeldItem is a federation item a session host holds back while it offers
// the envelope to the peer on the session socket: if the peer acknowledges
// it, the item is dropped; if not, it moves to the federation queue of
// Dest (the fallback of section 5). Holding it in the store keeps the
// promise of the 202: an envelope accepted for a session is durable even
// if the host crashes before the peer saw it.
type HeldItem struct {
	// Session is the session id, ID the envelope id (the key).
	Session string `json:"-"`
	ID      string `json:"-"`
	// Dest is the peer's domain, Data the federation item, Expires the
	// envelope's expiry (the queue's expiry when it falls back).
	Dest    string      `json:"dest"`
	Data    []byte      `json:"data"`
	Expires wire.Millis `json:"expires"`
}

// Hold stores it under (it.Session, it.ID).
func (t *Tx) Hold(it HeldItem) error {
	key, err := heldKey(it.Session, it.ID)
	if err == nil {
		err = checkName("hold: destination", it.Dest)
	}
	if err != nil {
		return fmt.Errorf("hold: %w", err)
	}
	it.Data = bytes.Clone(it.Data)
	if err := t.putJSON(bucketHeld, key, it); err != nil {
		return fmt.Errorf("hold %s %s: %w", it.Session, it.ID, err)
	}
	return nil
}

// Release removes the held item (session, id) and returns it; ok is false
// when there is none (released before).
func (t *Tx) Release(session, id string) (it HeldItem, ok bool, err error) {
	key, err := heldKey(session, id)
	if err != nil {
		return HeldItem{}, false, fmt.Errorf("release: %w", err)
	}
	if ok, err = t.getJSON(bucketHeld, key, &it); err != nil || !ok {
		return HeldItem{}, false, err
	}
	it.Session, it.ID = session, id
	return it, true, t.del(bucketHeld, key)
}

// HeldItems returns up to limit held items, in key order (every session).
func (t *Tx) HeldItems(limit int) ([]HeldItem, error) {
	var out []HeldItem
	c := t.cursor(bucketHeld)
	for k, v := c.First(); k != nil && len(out) < limit; k, v = c.Next() {
		var it HeldItem
		if err := jsonDecode(v, &it); err != nil {
			return nil, fmt.Errorf("held item %q: %w", k, err)
		}
		i := bytes.IndexByte(k, sep)
		if i < 0 {
			return nil, fmt.Errorf("held item: malformed key %q", k)
		}
		it.Session, it.ID = string(k[:i]), string(k[i+1:])
		out = append(out, it)
	}
	return out, nil
}

func heldKey(session, id string) ([]byte, error) {
	if err := checkName("session", session); err != nil {
		return nil, err
	}
	if err := checkName("id", id); err != nil {
		return nil, err
	}
	return nameKey(session, id), nil
}
