package store

import "errors"

// Sentinel errors of the store. Accessors wrap them with context, so callers
// branch with errors.Is.
var (
	// ErrNotFound: the key, token, challenge, invite or item does not exist
	// (or no longer does: used, taken, acknowledged, removed).
	ErrNotFound = errors.New("store: not found")
	// ErrExpired: the record exists but its expiry time has passed.
	ErrExpired = errors.New("store: expired")
	// ErrReplayed: a login challenge that was already taken once.
	ErrReplayed = errors.New("store: already used")
	// ErrClosed: the store was closed before the request was queued.
	ErrClosed = errors.New("store: closed")
	// ErrBadKey: a name that cannot be part of a key (empty, too long or
	// containing a zero byte).
	ErrBadKey = errors.New("store: bad key")
)

// ErrBadValue: a record the store refuses to write (an unknown account
// state, an empty bundle, ...).
var ErrBadValue = errors.New("store: bad value")
