package store

import (
	"bytes"
	"fmt"
)

// A favorite is an envelope its owner pinned (PUT /favorites/{id}): stored
// as the raw bytes given, under the owner and the envelope id, with no
// expiry index, so no sweep ever removes it (FAV-KEEP-01).

// PutFavorite stores (or replaces) the favorite id of owner.
func (t *Tx) PutFavorite(owner, id string, raw []byte) error {
	key, err := favoriteKey(owner, id)
	if err != nil {
		return fmt.Errorf("put favorite: %w", err)
	}
	if err := t.put(bucketFavorites, key, bytes.Clone(raw)); err != nil {
		return fmt.Errorf("put favorite %s of %s: %w", id, owner, err)
	}
	return nil
}

// DeleteFavorite removes the favorite id of owner, or returns [ErrNotFound].
func (t *Tx) DeleteFavorite(owner, id string) error {
	key, err := favoriteKey(owner, id)
	if err != nil {
		return fmt.Errorf("delete favorite: %w", err)
	}
	if !t.has(bucketFavorites, key) {
		return fmt.Errorf("delete favorite %s of %s: %w", id, owner, ErrNotFound)
	}
	return t.del(bucketFavorites, key)
}

// Favorites returns the favorites of owner in order of their ids.
func (t *Tx) Favorites(owner string) ([][]byte, error) {
	if err := checkName("favorites: owner", owner); err != nil {
		return nil, err
	}
	var out [][]byte
	prefix := prefixOf(owner)
	c := t.cursor(bucketFavorites)
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		out = append(out, bytes.Clone(v))
	}
	return out, nil
}

func favoriteKey(owner, id string) ([]byte, error) {
	if err := checkName("owner", owner); err != nil {
		return nil, err
	}
	if err := checkName("favorite id", id); err != nil {
		return nil, err
	}
	return nameKey(owner, id), nil
}
