package messaging

import (
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// deliver checks the local recipient of env and, if it accepts the
// sender, appends the envelope event to its log and the delivered receipt
// to the sender's, and remembers (from, id). It returns the accounts to
// wake. Everything is checked before anything is written.
func deliver(tx *store.Tx, env *envelope.Envelope, raw []byte, now wire.Millis) ([]address.Address, error) {
	if err := CheckRecipient(tx, env, now); err != nil {
		return nil, err
	}
	ev, err := envelopeEvent(raw)
	if err != nil {
		return nil, err
	}
	rc, err := receiptEvent(Receipt{Kind: receiptDelivered, ID: env.ID, From: env.To, To: env.From, TS: now})
	if err != nil {
		return nil, err
	}
	if _, err := tx.AppendEvent(env.To.String(), ev, expiry(env)); err != nil {
		return nil, fmt.Errorf("deliver %s: %w", env.ID, err)
	}
	if _, err := tx.AppendEvent(env.From.String(), rc, 0); err != nil {
		return nil, fmt.Errorf("delivered receipt %s: %w", env.ID, err)
	}
	if err := RememberDelivery(tx, env.From, env.ID, Delivery{To: env.To, Expires: expiry(env)}); err != nil {
		return nil, err
	}
	return []address.Address{env.To, env.From}, nil
}

// CheckRecipient applies the recipient checks of section 4 in order:
// not_found, gone, moved, a wrapped key for the recipient, blocked,
// not_a_contact. The federation inbox calls it too, so that a federated
// envelope is refused exactly as a local one.
func CheckRecipient(tx *store.Tx, env *envelope.Envelope, now wire.Millis) error {
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
// receive: not_found when there is none (a group address too: this server
// hosts no groups yet), gone when it was deleted (or only the reservation
// of its local part is left, until then), moved with moved_to when it
// moved.
func recipientAccount(tx *store.Tx, to address.Address, now wire.Millis) (store.Account, error) {
	acct, ok, err := tx.GetAccount(to.String())
	if err != nil {
		return store.Account{}, err
	}
	if !ok {
		until, reserved, err := tx.ReservedUntil(to.Local)
		if err != nil || reserved && until > now {
			return store.Account{}, goneOr(err, to)
		}
		return store.Account{}, httpapi.Errorf("not_found", "no account or group %s", to)
	}
	switch acct.State {
	case store.StateDeleted:
		return store.Account{}, goneOr(nil, to)
	case store.StateMoved:
		return store.Account{}, &httpapi.Error{Code: "moved", Message: to.String() + " moved to " + acct.MovedTo, MovedTo: acct.MovedTo}
	}
	return acct, nil
}

// goneOr returns err, or gone for to when err is nil.
func goneOr(err error, to address.Address) error {
	if err != nil {
		return err
	}
	return httpapi.Errorf("gone", "the account %s was deleted", to)
}
