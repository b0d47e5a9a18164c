package contacts

import (
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// txn is one contacts operation inside a store transaction: the records of
// both sides, the events for local accounts and the items for other
// domains, and the accounts to wake once it is durable.
type txn struct {
	*store.Tx
	domain string      // this server's domain
	now    wire.Millis // the operation's time, for Contact.Updated
	wake   []address.Address
	kick   []string // domains items were queued for
}

// local reports whether a is an account of this server.
func (t *txn) local(a address.Address) bool { return a.Domain == t.domain }

// contact returns the record owner keeps for other (State "" if none).
func (t *txn) contact(owner, other address.Address) (store.Contact, error) {
	c, _, err := t.GetContact(owner.String(), other.String())
	return c, err
}

// put writes the record owner keeps for other.
func (t *txn) put(owner, other address.Address, state string, bundle []byte) error {
	return t.PutContact(owner.String(), store.Contact{Address: other.String(), State: state, Bundle: bundle, Updated: t.now})
}

// drop deletes the record owner keeps for other.
func (t *txn) drop(owner, other address.Address) error {
	return t.DeleteContact(owner.String(), other.String())
}

// event appends ev to the stream of the local account to, to be woken
// after the commit.
func (t *txn) event(to address.Address, ev any) error {
	raw, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode event for %s: %w", to, err)
	}
	if _, err := t.AppendEvent(to.String(), raw, 0); err != nil {
		return err
	}
	t.wake = append(t.wake, to)
	return nil
}

// item queues a federation item for the server of to.
func (t *txn) item(to address.Address, item any) error {
	raw, err := json.Marshal(item)
	if err != nil {
		return fmt.Errorf("encode item for %s: %w", to.Domain, err)
	}
	if _, err := t.Enqueue(to.Domain, raw, 0); err != nil {
		return err
	}
	t.kick = append(t.kick, to.Domain)
	return nil
}

// reachable checks that the local account a can be asked: it exists
// (not_found), was not deleted (gone) and did not move (moved).
func (t *txn) reachable(a address.Address) error {
	acct, ok, err := t.GetAccount(a.String())
	switch {
	case err != nil:
		return err
	case !ok:
		return httpapi.Errorf("not_found", "%s has no account here", a)
	case acct.State == store.StateDeleted:
		return httpapi.Errorf("gone", "%s was deleted", a)
	case acct.State == store.StateMoved:
		e := httpapi.Errorf("moved", "%s moved to %s", a, acct.MovedTo)
		e.MovedTo = acct.MovedTo
		return e
	}
	return nil
}

// acceptsRequests reads the accept_requests setting of the local account a.
func (t *txn) acceptsRequests(a address.Address) (bool, error) {
	acct, _, err := t.GetAccount(a.String())
	return acct.Settings.AcceptRequests, err
}
