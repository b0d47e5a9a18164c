package contacts

import (
	"errors"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// The federation inbox applies the contact items other servers send with
// [ApplyRequest], [ApplyResponse] and [ApplyRemoved], inside the store
// transaction that answers the whole federation transaction. Each makes
// the local side of the change exactly as a local operation would (the
// same records, events and items) and returns what to do after the
// commit. A refusal is an *httpapi.Error (or a wire defect) — the item's
// per-item error; any other error is a failure of the store.

// Effects is what an applied item leaves for after the commit.
type Effects struct {
	// Duplicate: the item was applied before (FED-TXN-05) and nothing
	// changed.
	Duplicate bool
	// Wake lists the local accounts that got events: notify them.
	Wake []address.Address
	// Kick lists the domains that got queued items: wake their queues.
	Kick []string
}

// Markers join an item's id and kind into its idempotency key, so that a
// request and a response sharing an id are two keys (section 7, the
// table of "No spoofing").
const (
	requestMarker  = "/" + kindRequest
	responseMarker = "/" + kindResponse
)

// ApplyRequest applies a contact_request item for the server of domain:
// req.From must be remote and req.To local (forbidden). A request seen
// before (request.from, request.id) is a duplicate. Then the requester's
// bundle is verified ([senderBundle]) and the recipient checked as for a
// local request: not_found, gone, moved, blocked. A request from an
// address the recipient has asked itself accepts that request
// (CONTACT-REQ-05); one that repeats a pending request changes nothing
// (CONTACT-REQ-04); otherwise a recipient with accept_requests off refuses
// it (forbidden) and it is recorded pending_in with a contact_request
// event (CONTACT-REQ-01).
func ApplyRequest(tx *store.Tx, domain string, req Request, now wire.Millis) (Effects, error) {
	return applyItem(tx, domain, now, func(t *txn) (bool, error) { return t.receiveRequest(req) })
}

// ApplyResponse applies a contact_response item for the server of
// domain: resp.From must be remote and resp.To local (forbidden). A
// response seen before (from, id) is a duplicate. It answers the request
// resp.To sent and still has pending: accepted records the contact with
// the answerer's verified bundle and pushes contact_accepted
// (CONTACT-ACCEPT-01); declined drops the request and pushes
// contact_declined (CONTACT-DECLINE-01). A response to a contact already
// accepted (the requests crossed) or blocked (the requester withdrew and
// tells nobody) changes nothing; a response to no pending request is
// not_found.
func ApplyResponse(tx *store.Tx, domain string, resp Response, now wire.Millis) (Effects, error) {
	return applyItem(tx, domain, now, func(t *txn) (bool, error) { return t.receiveResponse(resp) })
}

// ApplyRemoved applies a contact_removed item for the server of domain:
// from (remote) removed the local account to. An accepted contact is
// dropped and to gets contact_removed (CONTACT-REMOVE-01); any other
// state is left as it is, so applying the item twice changes nothing.
func ApplyRemoved(tx *store.Tx, domain string, from, to address.Address, now wire.Millis) (Effects, error) {
	return applyItem(tx, domain, now, func(t *txn) (bool, error) { return false, t.receiveRemoved(from, to) })
}

// applyItem runs op as one contacts operation in tx and collects its
// effects.
func applyItem(tx *store.Tx, domain string, now wire.Millis, op func(*txn) (dup bool, err error)) (Effects, error) {
	t := &txn{Tx: tx, domain: domain, now: now}
	dup, err := op(t)
	if err != nil {
		return Effects{}, err
	}
	return Effects{Duplicate: dup, Wake: t.wake, Kick: t.kick}, nil
}

// receiveRequest is [ApplyRequest] inside the transaction.
func (t *txn) receiveRequest(req Request) (dup bool, err error) {
	if err := t.checkRelayed(req.From, req.To); err != nil {
		return false, err
	}
	if req.Bundle, err = senderBundle(req.From, req.Bundle); err != nil {
		return false, err
	}
	key := req.ID + requestMarker
	if _, seen, err := t.Seen(req.From.String(), key); err != nil || seen {
		return seen, err
	}
	if err := t.checkRecipient(req.From, req.To); err != nil {
		return false, err
	}
	if err := t.admit(req); err != nil {
		return false, err
	}
	return false, t.Remember(req.From.String(), key, nil, 0)
}

// admit hands the remote request req to its local recipient according to
// the recipient's record of the requester.
func (t *txn) admit(req Request) error {
	mine, err := t.contact(req.To, req.From)
	if err != nil {
		return err
	}
	switch mine.State {
	case store.ContactPendingOut: // crossing requests: this one accepts ours
		return t.crossed(req)
	case store.ContactPendingIn: // a repeat: the first is still pending
		return nil
	}
	open, err := t.acceptsRequests(req.To)
	if err != nil {
		return err
	}
	if !open {
		return httpapi.Errorf("forbidden", "%s accepts no contact requests", req.To)
	}
	return t.hand(req)
}

// crossed completes the contact when the remote req arrives while the
// local recipient's own request to the requester is pending: the local
// side accepts req with its current bundle (a contact_response goes back,
// for a requester whose server no longer holds our request) and learns
// the requester's bundle in a contact_accepted event.
func (t *txn) crossed(req Request) error {
	ours, err := t.currentBundle(req.To)
	if errors.Is(err, store.ErrNotFound) {
		return httpapi.Errorf("not_found", "%s has no key bundle here", req.To)
	}
	if err != nil {
		return err
	}
	theirs, err := t.accept(req, ours)
	if err != nil {
		return err
	}
	return t.event(req.To, acceptedEvent{Kind: kindAccepted, Address: req.From, Bundle: theirs})
}

// receiveResponse is [ApplyResponse] inside the transaction.
func (t *txn) receiveResponse(resp Response) (dup bool, err error) {
	if err := t.checkRelayed(resp.From, resp.To); err != nil {
		return false, err
	}
	var bundle []byte
	if resp.Accepted {
		if bundle, err = senderBundle(resp.From, resp.Bundle); err != nil {
			return false, err
		}
	}
	key := resp.ID + responseMarker
	if _, seen, err := t.Seen(resp.From.String(), key); err != nil || seen {
		return seen, err
	}
	if err := t.reachable(resp.To); err != nil {
		return false, err
	}
	if err := t.settle(resp, bundle); err != nil {
		return false, err
	}
	return false, t.Remember(resp.From.String(), key, nil, 0)
}

// settle applies resp to the request its local recipient resp.To sent.
func (t *txn) settle(resp Response, bundle []byte) error {
	requester, answerer := resp.To, resp.From
	mine, err := t.contact(requester, answerer)
	switch {
	case err != nil:
		return err
	case mine.State == store.ContactAccepted, mine.State == store.ContactBlocked:
		return nil
	case mine.State != store.ContactPendingOut:
		return httpapi.Errorf("not_found", "%s has no request to %s pending", requester, answerer)
	}
	req, err := t.request(requester, answerer)
	if err != nil {
		return err
	}
	if req.ID != resp.ID {
		return httpapi.Errorf("not_found", "the request of %s to %s pending is %s, not %s", requester, answerer, req.ID, resp.ID)
	}
	if !resp.Accepted {
		if err := t.drop(requester, answerer); err != nil {
			return err
		}
		return t.event(requester, addressEvent{Kind: kindDeclined, Address: answerer})
	}
	if err := t.put(requester, answerer, store.ContactAccepted, bundle); err != nil {
		return err
	}
	return t.event(requester, acceptedEvent{Kind: kindAccepted, Address: answerer, Bundle: bundle})
}

// receiveRemoved is [ApplyRemoved] inside the transaction.
func (t *txn) receiveRemoved(from, to address.Address) error {
	if err := t.checkRelayed(from, to); err != nil {
		return err
	}
	if err := t.reachable(to); err != nil {
		return err
	}
	accepted, err := t.isState(to, from, store.ContactAccepted)
	if err != nil || !accepted {
		return err // blocked stays blocked; nothing else to remove
	}
	if err := t.drop(to, from); err != nil {
		return err
	}
	return t.event(to, addressEvent{Kind: kindRemoved, Address: from})
}

// checkRelayed refuses an item this server cannot take: its sender must be
// another server's account and its recipient one of this server's
// (forbidden; the inbox checks the same against the transaction's origin,
// FED-SPOOF-01 and FED-TXN-06).
func (t *txn) checkRelayed(from, to address.Address) error {
	if t.local(from) {
		return httpapi.Errorf("forbidden", "%s is an account of this server, not of a peer", from)
	}
	if !t.local(to) {
		return httpapi.Errorf("forbidden", "%s is not an account of this server", to)
	}
	return nil
}
