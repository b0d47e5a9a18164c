package federation

import (
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// This file repeats the recipient checks of package messaging
// (checkRecipient and recipientAccount, unexported there) so that a
// federated envelope is refused exactly as a local one. It goes away once
// messaging exports them.

// checkRecipient applies the recipient checks of section 4 in order:
// not_found, gone, moved, a wrapped key for the recipient (bad_request),
// blocked, not_a_contact.
func checkRecipient(tx *store.Tx, env *envelope.Envelope, now wire.Millis) error {
	acct, err := recipientAccount(tx, env.To, now)
	if err != nil {
		return err
	}
	if _, ok := env.Keys[env.To]; !ok {
		return httpapi.Errorf("bad_request", "keys has no entry for the recipient %s", env.To)
	}
	c, isContact, err := tx.GetContact(acct.Address, env.From.String())
	switch {
	case err != nil:
		return err
	case isContact && c.State == store.ContactBlocked:
		return httpapi.Errorf("blocked", "%s does not accept envelopes from %s", env.To, env.From)
	case isContact && c.State == store.ContactAccepted, acct.Settings.AcceptStrangers:
		return nil
	}
	return httpapi.Errorf("not_a_contact", "%s accepts envelopes from contacts only", env.To)
}

// recipientAccount returns the account of a local address that can
// receive: not_found when there is none, gone when it was deleted (or only
// the reservation of its local part is left), moved with moved_to.
func recipientAccount(tx *store.Tx, to address.Address, now wire.Millis) (store.Account, error) {
	acct, ok, err := tx.GetAccount(to.String())
	if err != nil {
		return store.Account{}, err
	}
	if !ok {
		until, reserved, err := tx.ReservedUntil(to.Local)
		switch {
		case err != nil:
			return store.Account{}, err
		case reserved && until > now:
			return store.Account{}, httpapi.Errorf("gone", "the account %s was deleted", to)
		}
		return store.Account{}, httpapi.Errorf("not_found", "no account or group %s", to)
	}
	switch acct.State {
	case store.StateDeleted:
		return store.Account{}, httpapi.Errorf("gone", "the account %s was deleted", to)
	case store.StateMoved:
		return store.Account{}, &httpapi.Error{Code: "moved", Message: to.String() + " moved to " + acct.MovedTo, MovedTo: acct.MovedTo}
	}
	return acct, nil
}

// liveAccount reports whether addr is a local account that still reads
// events (not deleted, not moved): receipts for anyone else have no reader.
func liveAccount(tx *store.Tx, addr address.Address) (bool, error) {
	a, ok, err := tx.GetAccount(addr.String())
	if err != nil {
		return false, err
	}
	return ok && a.State != store.StateDeleted && a.State != store.StateMoved, nil
}
