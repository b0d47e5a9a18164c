package store

import (
	"bytes"
	"crypto/sha256"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// TokenHash is how bearer tokens and invite tokens are stored: a database
// leak reveals no usable token.
type TokenHash = [sha256.Size]byte

// HashToken returns the [TokenHash] of a token as the client sends it.
func HashToken(token string) TokenHash { return sha256.Sum256([]byte(token)) }

// challenge is the value of a login challenge. A taken challenge stays, as
// Used, until its expiry, so a replay is told apart from a stranger's
// challenge ([ErrReplayed] versus [ErrNotFound]).
type challenge struct {
	Address string      `json:"address"`
	Expires wire.Millis `json:"expires"`
	Used    bool        `json:"used,omitempty"`
}

// PutChallenge records a login challenge issued to addr until expires.
func (t *Tx) PutChallenge(ch []byte, addr string, expires wire.Millis) error {
	if len(ch) == 0 || len(ch) > maxName {
		return fmt.Errorf("put challenge: %d bytes: %w", len(ch), ErrBadKey)
	}
	if err := checkName("put challenge: address", addr); err != nil {
		return err
	}
	key := bytes.Clone(ch)
	if err := t.putJSON(bucketChallenges, key, challenge{Address: addr, Expires: expires}); err != nil {
		return fmt.Errorf("put challenge: %w", err)
	}
	if err := t.indexExpiry(expiryChallenges, key, expires); err != nil {
		return fmt.Errorf("put challenge: %w", err)
	}
	return nil
}

// TakeChallenge uses the challenge once and returns the address it was
// issued to. It fails, in this order, with [ErrNotFound] (never issued, or
// swept after expiry), [ErrExpired] (now at or past its expiry) and
// [ErrReplayed] (taken before). Failures write nothing.
func (t *Tx) TakeChallenge(ch []byte, now wire.Millis) (string, error) {
	var c challenge
	ok, err := t.getJSON(bucketChallenges, ch, &c)
	switch {
	case err != nil:
		return "", fmt.Errorf("take challenge: %w", err)
	case !ok:
		return "", fmt.Errorf("take challenge: %w", ErrNotFound)
	case expired(c.Expires, now):
		return "", fmt.Errorf("take challenge: %w", ErrExpired)
	case c.Used:
		return "", fmt.Errorf("take challenge: %w", ErrReplayed)
	}
	c.Used = true
	if err := t.putJSON(bucketChallenges, bytes.Clone(ch), c); err != nil {
		return "", fmt.Errorf("take challenge: %w", err)
	}
	return c.Address, nil
}

// ExpireChallenges removes up to limit challenges (taken or not) expired at
// or before now; more reports that expired ones remain.
func (t *Tx) ExpireChallenges(now wire.Millis, limit int) (removed int, more bool, err error) {
	more, err = t.sweep(expiryChallenges, now, limit, func(pk []byte, _ wire.Millis) error {
		if !t.has(bucketChallenges, pk) {
			return nil
		}
		removed++
		return t.del(bucketChallenges, pk)
	})
	if err != nil {
		return 0, false, fmt.Errorf("expire challenges: %w", err)
	}
	return removed, more, nil
}

// token is the value of a bearer token.
type token struct {
	Address string      `json:"address"`
	Expires wire.Millis `json:"expires"`
}

// PutToken records a bearer token (by its hash) for addr until expires.
func (t *Tx) PutToken(hash TokenHash, addr string, expires wire.Millis) error {
	if err := checkName("put token: address", addr); err != nil {
		return err
	}
	if err := t.putJSON(bucketTokens, hash[:], token{Address: addr, Expires: expires}); err != nil {
		return fmt.Errorf("put token: %w", err)
	}
	if err := t.put(bucketTokensOf, tokenOfKey(addr, hash), []byte{}); err != nil {
		return fmt.Errorf("put token: %w", err)
	}
	if err := t.indexExpiry(expiryTokens, bytes.Clone(hash[:]), expires); err != nil {
		return fmt.Errorf("put token: %w", err)
	}
	return nil
}

// TokenAccount returns the account a bearer token belongs to, or
// [ErrNotFound] (unknown or revoked) or [ErrExpired].
func (t *Tx) TokenAccount(hash TokenHash, now wire.Millis) (string, error) {
	var tk token
	ok, err := t.getJSON(bucketTokens, hash[:], &tk)
	switch {
	case err != nil:
		return "", fmt.Errorf("token account: %w", err)
	case !ok:
		return "", fmt.Errorf("token account: %w", ErrNotFound)
	case expired(tk.Expires, now):
		return "", fmt.Errorf("token account: %w", ErrExpired)
	}
	return tk.Address, nil
}

// DeleteToken revokes a bearer token (logout); an unknown token is
// [ErrNotFound].
func (t *Tx) DeleteToken(hash TokenHash) error {
	var tk token
	ok, err := t.getJSON(bucketTokens, hash[:], &tk)
	switch {
	case err != nil:
		return fmt.Errorf("delete token: %w", err)
	case !ok:
		return fmt.Errorf("delete token: %w", ErrNotFound)
	}
	return t.dropToken(tk.Address, hash)
}

// DeleteTokensOf revokes every token of addr (suspension, deletion, move)
// and returns how many it revoked.
func (t *Tx) DeleteTokensOf(addr string) (int, error) {
	if err := checkName("delete tokens: address", addr); err != nil {
		return 0, err
	}
	prefix := prefixOf(addr)
	var hashes []TokenHash
	c := t.cursor(bucketTokensOf)
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		var h TokenHash
		if copy(h[:], k[len(prefix):]) == len(h) {
			hashes = append(hashes, h)
		}
	}
	for _, h := range hashes {
		if err := t.dropToken(addr, h); err != nil {
			return 0, err
		}
	}
	return len(hashes), nil
}

// ExpireTokens removes up to limit tokens expired at or before now; more
// reports that expired ones remain.
func (t *Tx) ExpireTokens(now wire.Millis, limit int) (removed int, more bool, err error) {
	more, err = t.sweep(expiryTokens, now, limit, func(pk []byte, _ wire.Millis) error {
		var tk token
		ok, err := t.getJSON(bucketTokens, pk, &tk)
		if err != nil || !ok || len(pk) != len(TokenHash{}) {
			return err
		}
		removed++
		return t.dropToken(tk.Address, TokenHash(pk))
	})
	if err != nil {
		return 0, false, fmt.Errorf("expire tokens: %w", err)
	}
	return removed, more, nil
}

// dropToken deletes a token and its index entry.
func (t *Tx) dropToken(addr string, hash TokenHash) error {
	if err := t.del(bucketTokens, hash[:]); err != nil {
		return fmt.Errorf("delete token: %w", err)
	}
	if err := t.del(bucketTokensOf, tokenOfKey(addr, hash)); err != nil {
		return fmt.Errorf("delete token: %w", err)
	}
	return nil
}

// tokenOfKey is address\x00hash: the index of an account's tokens.
func tokenOfKey(addr string, hash TokenHash) []byte {
	return append(prefixOf(addr), hash[:]...)
}
