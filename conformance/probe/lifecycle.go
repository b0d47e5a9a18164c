package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// The account lifecycle of the retention and migration profiles: envelopes
// with a chosen ttl and clock, favorites (envelopes to self), the account
// data an export is built from, move and delete notices.

// SealAt builds a text envelope to the recipient with ttl seconds (0 for
// the default), dated by deps.Now: a deps whose clock runs behind makes
// an envelope that has already expired.
func (a *Account) SealAt(deps wire.Deps, to keys.Bundle, text string, ttl int) (*envelope.Envelope, error) {
	env, _, err := envelope.Seal(deps, a.ID, to.Address,
		map[address.Address]*[32]byte{to.Address: to.BoxPublic()}, envelope.TextBody(text), envelope.Options{TTL: ttl})
	if err != nil {
		return nil, fmt.Errorf("seal to %s: %w", to.Address, err)
	}
	return env, nil
}

// SelfEnvelope builds the envelope a client pins as a favorite: from and
// to the account, keyed to it alone, with ttl seconds.
func (a *Account) SelfEnvelope(text string, ttl int) (*envelope.Envelope, error) {
	return a.SealAt(a.P.Deps, a.Bundle(), text, ttl)
}

// AccountData is the answer of GET /account/data, decoded with the
// protocol library's types (the bundles are verified as they decode).
type AccountData struct {
	Contacts  []account.Contact `json:"contacts"`
	Groups    []account.Group   `json:"groups"`
	Settings  account.Settings  `json:"settings"`
	Favorites []json.RawMessage `json:"favorites"`
}

// Data reads the account's data (GET /account/data).
func (a *Account) Data(ctx context.Context) (AccountData, *Response, error) {
	var d AccountData
	r, err := a.Call(ctx, "GET", "/emsg/v1/account/data", nil)
	if err != nil {
		return d, nil, err
	}
	if r.Status != http.StatusOK {
		return d, r, nil
	}
	return d, r, r.Decode(&d)
}

// Export builds and signs, with the account's current key, the export of
// d: what a client takes to its new server.
func (a *Account) Export(d AccountData) (*account.Export, error) {
	x, err := account.NewExport(a.P.Deps, a.ID.SignKey(), account.Export{Bundle: a.Bundle(),
		Contacts: d.Contacts, Groups: d.Groups, Settings: d.Settings, Favorites: d.Favorites})
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", a.Addr, err)
	}
	return x, nil
}

// RegisterMoved registers, on domain, a fresh account with a's keys (what
// an account moving there does) and logs it in.
func (p *Probe) RegisterMoved(ctx context.Context, a *Account, domain, prefix string) (*Account, error) {
	addr, err := address.ParseCanonical(FreshLocal(prefix) + "#" + domain)
	if err != nil {
		return nil, fmt.Errorf("moved identity: %w", err)
	}
	id, err := a.ID.MovedTo(p.Deps, addr)
	if err != nil {
		return nil, err
	}
	resp, err := p.registerAnyway(ctx, id)
	if err != nil {
		return nil, err
	}
	if resp.Status != http.StatusCreated {
		return nil, fmt.Errorf("register %s: got %s, want 201", addr, resp)
	}
	moved := &Account{P: p, ID: id, Addr: addr}
	return moved, moved.Login(ctx)
}

// MoveNotice signs, with the account's current key, its move to the
// account whose bundle is to.
func (a *Account) MoveNotice(to keys.Bundle) (*account.MoveNotice, error) {
	return account.NewMoveNotice(a.P.Deps, a.Addr, a.ID.SignKey(), to)
}

// DeleteNotice signs the account's deletion with its current key.
func (a *Account) DeleteNotice() (*account.DeleteNotice, error) {
	return account.NewDeleteNotice(a.P.Deps, a.Addr, a.ID.SignKey())
}
