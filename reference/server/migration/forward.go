package migration

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Event and item kinds of the notices (stream-event.json, fed-item.json).
const (
	eventMoved   = "moved"
	eventDeleted = "deleted"
	itemMove     = "move"
	itemDelete   = "delete"
)

// noticeEvent is {"kind":kind,"notice":notice}: the stream event.
type noticeEvent struct {
	Kind   string  `json:"kind"`
	Notice rawJSON `json:"notice"`
}

// noticeItem is {"kind":kind,"notice":notice,"to":[...]}: the federation item.
type noticeItem struct {
	Kind   string            `json:"kind"`
	Notice rawJSON           `json:"notice"`
	To     []address.Address `json:"to"`
}

// forwarder hands one notice to the contacts of its account, inside a
// store operation: apply does the local recipient's part, and the remote
// ones are queued per server.
type forwarder struct {
	tx     *store.Tx
	domain string
	notice []byte
	item   string                            // the item kind
	apply  func(owner address.Address) error // the local part for one recipient
	remote map[string][]address.Address      // recipients by domain
	fx     *Effects
}

// forwardToContacts forwards the notice of me to every accepted contact
// of me (MOVE-NOTIFY-01, DEL-NOTIFY-01).
func (f *forwarder) forwardToContacts(me address.Address) error {
	cs, err := f.tx.Contacts(me.String())
	if err != nil {
		return err
	}
	f.remote = map[string][]address.Address{}
	for _, c := range cs {
		if c.State != store.ContactAccepted {
			continue
		}
		to, err := address.ParseCanonical(c.Address)
		if err != nil {
			return fmt.Errorf("stored contact %q of %s: %w", c.Address, me, err)
		}
		if to.Domain == f.domain {
			if err := f.apply(to); err != nil {
				return err
			}
			continue
		}
		f.remote[to.Domain] = append(f.remote[to.Domain], to)
	}
	return f.queue()
}

// queue enqueues one item per remote server, in domain order.
func (f *forwarder) queue() error {
	domains := make([]string, 0, len(f.remote))
	for d := range f.remote {
		domains = append(domains, d)
	}
	slices.Sort(domains)
	for _, d := range domains {
		raw, err := json.Marshal(noticeItem{Kind: f.item, Notice: f.notice, To: f.remote[d]})
		if err != nil {
			return fmt.Errorf("encode %s item: %w", f.item, err)
		}
		if _, err := f.tx.Enqueue(d, raw, 0); err != nil {
			return fmt.Errorf("queue %s item for %s: %w", f.item, d, err)
		}
		f.fx.Kick = append(f.fx.Kick, d)
	}
	return nil
}

// pushNotice appends {"kind":kind,"notice":notice} to owner's log.
func pushNotice(tx *store.Tx, owner address.Address, kind string, notice []byte, fx *Effects) error {
	raw, err := json.Marshal(noticeEvent{Kind: kind, Notice: notice})
	if err != nil {
		return fmt.Errorf("encode %s event: %w", kind, err)
	}
	if _, err := tx.AppendEvent(owner.String(), raw, 0); err != nil {
		return fmt.Errorf("%s event for %s: %w", kind, owner, err)
	}
	fx.Wake = append(fx.Wake, owner)
	return nil
}

// switchContact replaces the contact owner keeps for from by one for to
// with bundle, in the same state (MOVE-CONTACT-01), and pushes the moved
// event. An owner that no longer holds from changes nothing.
func switchContact(tx *store.Tx, owner, from, to address.Address, bundle, notice []byte, now wire.Millis, fx *Effects) error {
	c, ok, err := tx.GetContact(owner.String(), from.String())
	if err != nil || !ok {
		return err
	}
	if err := tx.DeleteContact(owner.String(), from.String()); err != nil {
		return err
	}
	next := store.Contact{Address: to.String(), State: c.State, Bundle: bundle, Updated: now}
	if err := tx.PutContact(owner.String(), next); err != nil {
		return err
	}
	return pushNotice(tx, owner, eventMoved, notice, fx)
}

// dropContact removes the contact owner keeps for gone and pushes the
// deleted event. An owner that no longer holds it changes nothing.
func dropContact(tx *store.Tx, owner, gone address.Address, notice []byte, fx *Effects) error {
	err := tx.DeleteContact(owner.String(), gone.String())
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return pushNotice(tx, owner, eventDeleted, notice, fx)
}

// active reports whether a is an active account of this server.
func active(tx *store.Tx, a address.Address) (bool, error) {
	acct, ok, err := tx.GetAccount(a.String())
	return ok && acct.State == store.StateActive, err
}
