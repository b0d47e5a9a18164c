package store

import (
	"bytes"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Account states.
const (
	StateActive    = "active"
	StateSuspended = "suspended"
	StateDeleted   = "deleted"
	StateMoved     = "moved"
)

// Account is what the server remembers about one of its accounts, keyed by
// its canonical address. A deleted or moved account keeps its record (with
// MovedTo for a move) so deliveries can be answered gone or moved.
type Account struct {
	Address  string      `json:"address"`
	State    string      `json:"state"`
	MovedTo  string      `json:"moved_to,omitempty"`
	Created  wire.Millis `json:"created"`
	Settings Settings    `json:"settings"`
}

// Settings are an account's settings (GET/PATCH /settings). TTL is in
// seconds.
type Settings struct {
	AcceptStrangers bool `json:"accept_strangers"`
	AcceptRequests  bool `json:"accept_requests"`
	TTL             int  `json:"ttl"`
	Typing          bool `json:"typing"`
	Presence        bool `json:"presence"`
}

// validState reports whether s is one of the account states.
func validState(s string) bool {
	switch s {
	case StateActive, StateSuspended, StateDeleted, StateMoved:
		return true
	}
	return false
}

// GetAccount returns the account of addr and whether it exists.
func (t *Tx) GetAccount(addr string) (Account, bool, error) {
	if err := checkName("get account: address", addr); err != nil {
		return Account{}, false, err
	}
	raw := t.tx.Bucket(bucketAccounts).Get([]byte(addr))
	if raw == nil {
		return Account{}, false, nil
	}
	a, err := decodeAccount(raw)
	if err != nil {
		return Account{}, false, fmt.Errorf("get account %s: decode %s record: %w", addr, bucketAccounts, err)
	}
	return a, true, nil
}

// PutAccount creates or replaces the account a.Address.
func (t *Tx) PutAccount(a Account) error {
	if err := checkName("put account: address", a.Address); err != nil {
		return err
	}
	if !validState(a.State) {
		return fmt.Errorf("put account %s: state %q: %w", a.Address, a.State, ErrBadValue)
	}
	if (a.State == StateMoved) != (a.MovedTo != "") {
		return fmt.Errorf("put account %s: moved_to %q with state %q: %w", a.Address, a.MovedTo, a.State, ErrBadValue)
	}
	if err := t.putJSON(bucketAccounts, []byte(a.Address), a); err != nil {
		return fmt.Errorf("put account %s: %w", a.Address, err)
	}
	return nil
}

// ListAccounts returns up to limit accounts whose address sorts after
// after ("" for the first page), in byte order of their addresses: page by
// passing the last address of one page as after of the next.
func (t *Tx) ListAccounts(after string, limit int) ([]Account, error) {
	var out []Account
	c := t.cursor(bucketAccounts)
	k, v := c.Seek([]byte(after))
	if k != nil && bytes.Equal(k, []byte(after)) {
		k, v = c.Next()
	}
	for ; k != nil && len(out) < limit; k, v = c.Next() {
		var a Account
		if err := jsonDecode(v, &a); err != nil {
			return nil, fmt.Errorf("list accounts at %s: %w", k, err)
		}
		out = append(out, a)
	}
	return out, nil
}
