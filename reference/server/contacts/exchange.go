package contacts

import (
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/store"
)

// The state changes of the key exchange, each applied to both sides: the
// caller's record always, the other side's record and stream when it is an
// account of this server, a federation item for its server otherwise.

// offer records req (from the caller req.From to req.To) as pending on
// both sides and hands it to the recipient.
func (t *txn) offer(req Request) error {
	if err := t.put(req.From, req.To, store.ContactPendingOut, nil); err != nil {
		return err
	}
	if err := t.keepRequest(req.From, req.To, req); err != nil {
		return err
	}
	if !t.local(req.To) {
		return t.item(req.To, requestItem{Kind: kindRequest, Request: req})
	}
	return t.hand(req)
}

// hand records req as pending_in at its local recipient req.To, keeping
// the request and the requester's bundle, and pushes the contact_request
// event.
func (t *txn) hand(req Request) error {
	if err := t.put(req.To, req.From, store.ContactPendingIn, req.Bundle); err != nil {
		return err
	}
	if err := t.keepRequest(req.To, req.From, req); err != nil {
		return err
	}
	return t.event(req.To, requestEvent{Kind: kindRequest, Request: req})
}

// accept completes req, pending at its recipient req.To, who answers with
// its own bundle; both sides become accepted. It returns the requester's
// bundle for the acceptor.
func (t *txn) accept(req Request, bundle []byte) ([]byte, error) {
	acceptor, requester := req.To, req.From
	theirs, err := t.freshBundle(requester, req.Bundle)
	if err != nil {
		return nil, err
	}
	if err := t.put(acceptor, requester, store.ContactAccepted, theirs); err != nil {
		return nil, err
	}
	if !t.local(requester) {
		item := responseItem{Kind: kindResponse, Response: Response{ID: req.ID, From: acceptor, To: requester, Accepted: true, Bundle: bundle}}
		return theirs, t.item(requester, item)
	}
	waiting, err := t.isState(requester, acceptor, store.ContactPendingOut)
	if err != nil || !waiting {
		return theirs, err // the requester withdrew (blocked us) meanwhile
	}
	if err := t.put(requester, acceptor, store.ContactAccepted, bundle); err != nil {
		return nil, err
	}
	return theirs, t.event(requester, acceptedEvent{Kind: kindAccepted, Address: acceptor, Bundle: bundle})
}

// decline drops req on both sides and tells the requester.
func (t *txn) decline(req Request) error {
	decliner, requester := req.To, req.From
	if err := t.drop(decliner, requester); err != nil {
		return err
	}
	if !t.local(requester) {
		return t.item(requester, responseItem{Kind: kindResponse, Response: Response{ID: req.ID, From: decliner, To: requester}})
	}
	waiting, err := t.isState(requester, decliner, store.ContactPendingOut)
	if err != nil || !waiting {
		return err
	}
	if err := t.drop(requester, decliner); err != nil {
		return err
	}
	return t.event(requester, addressEvent{Kind: kindDeclined, Address: decliner})
}

// remove ends the accepted contact between owner and other on both sides
// and tells other.
func (t *txn) remove(owner, other address.Address) error {
	if err := t.drop(owner, other); err != nil {
		return err
	}
	if !t.local(other) {
		return t.item(other, removedItem{Kind: kindRemoved, From: owner, To: other})
	}
	theirs, err := t.isState(other, owner, store.ContactAccepted)
	if err != nil || !theirs {
		return err // other blocked owner: its block stays, and it hears nothing
	}
	if err := t.drop(other, owner); err != nil {
		return err
	}
	return t.event(other, addressEvent{Kind: kindRemoved, Address: owner})
}

// isState reports whether owner's record for other is in state.
func (t *txn) isState(owner, other address.Address, state string) (bool, error) {
	c, err := t.contact(owner, other)
	return c.State == state, err
}
