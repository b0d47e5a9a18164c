package client

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// event is the "event" member of a stream event frame, with the members
// of the kinds the client handles.
type event struct {
	Kind     string          `json:"kind"`
	Envelope json.RawMessage `json:"envelope"`
	Request  *struct {
		From   address.Address `json:"from"`
		Bundle json.RawMessage `json:"bundle"`
		Note   string          `json:"note"`
	} `json:"request"`
	Address address.Address `json:"address"`
	Bundle  json.RawMessage `json:"bundle"`
	Ticket  json.RawMessage `json:"ticket"`
	Receipt *struct {
		Kind string          `json:"kind"`
		ID   string          `json:"id"`
		From address.Address `json:"from"`
	} `json:"receipt"`
	GroupEvent *GroupEvent     `json:"group_event"`
	Group      address.Address `json:"group"` // group_refused
	ID         string          `json:"id"`
	Op         string          `json:"op"`
	Error      string          `json:"error"`
	Message    string          `json:"message"`
	Notice     json.RawMessage `json:"notice"` // moved, deleted
	From       address.Address `json:"from"`   // expired
}

// outcome is what one event gives the user, delivered after it is stored.
type outcome struct {
	messages []Message
	notices  []Notice
}

func (o *outcome) notice(n Notice) { o.notices = append(o.notices, n) }

// deliver hands the outcome to h.
func (o outcome) deliver(h Handler) {
	for _, m := range o.messages {
		if h.Message != nil {
			h.Message(m)
		}
	}
	for _, n := range o.notices {
		if h.Notice != nil {
			h.Notice(n)
		}
	}
}

// process handles the event of seq in one transaction that also records
// seq as processed, so that the event may then be acknowledged
// (CLIENT-ACK-01). An event at or below the seq already processed is a
// replay of one whose acknowledgement was lost: nothing happens again.
func (c *Client) process(seq uint64, raw json.RawMessage) (outcome, error) {
	id, err := c.mustIdentity()
	if err != nil {
		return outcome{}, err
	}
	now := c.opts.deps.Millis()
	var out outcome
	err = c.store.db.Update(func(tx *bolt.Tx) error {
		out = outcome{}
		if last := tx.Bucket(bucketMeta).Get(keySeq); last != nil && decodeSeq(last) >= seq {
			return nil
		}
		var ev event
		if err := json.Unmarshal(raw, &ev); err != nil {
			// An event this client cannot read changes nothing; it is
			// acknowledged like one of a kind it does not handle.
			return setSeq(tx, seq)
		}
		if err := c.apply(tx, id, now, seq, ev, &out); err != nil {
			return err
		}
		return setSeq(tx, seq)
	})
	if err != nil {
		return outcome{}, fmt.Errorf("event %d: %w", seq, err)
	}
	return out, nil
}

// apply makes ev's change to the local store and collects what to tell.
func (c *Client) apply(tx *bolt.Tx, id *keys.Identity, now wire.Millis, seq uint64, ev event, out *outcome) error {
	switch ev.Kind {
	case "envelope":
		return c.applyEnvelope(tx, id, seq, ev.Envelope, out)
	case "contact_request":
		if ev.Request == nil {
			return nil
		}
		r := ev.Request
		return contactEvent(tx, now, seq, r.From, []json.RawMessage{r.Bundle}, ContactRequested, out, func(ct *Contact) {
			if ct.State != Accepted {
				ct.State = PendingIn
			}
			ct.Note = r.Note
		}, r.Note)
	case "contact_accepted":
		return contactEvent(tx, now, seq, ev.Address, []json.RawMessage{ev.Bundle}, ContactAccepted, out,
			func(ct *Contact) { ct.State = Accepted }, "")
	case "contact_declined":
		return contactEvent(tx, now, seq, ev.Address, nil, ContactDeclined, out, func(ct *Contact) { ct.State = Declined }, "")
	case "contact_removed":
		return contactEvent(tx, now, seq, ev.Address, nil, ContactRemoved, out, func(ct *Contact) { ct.State = Removed }, "")
	case "key_rotated":
		return contactEvent(tx, now, seq, ev.Address, []json.RawMessage{ev.Bundle}, KeyRotated, out, nil, "")
	case "moved":
		return applyMoved(tx, now, seq, ev.Notice, out)
	case "deleted":
		return applyDeleted(tx, seq, ev.Notice, out)
	case "expired":
		return applyExpired(tx, seq, ev.From, ev.ID, out)
	case "session_ticket":
		return c.applyTicket(tx, id, seq, ev.Ticket, out)
	case "group", "group_refused":
		groupEvent(seq, ev, out)
	case "receipt":
		if ev.Receipt != nil {
			out.notice(Notice{Kind: Receipt, Seq: seq, Address: ev.Receipt.From, ID: ev.Receipt.ID, Receipt: ev.Receipt.Kind})
		}
	}
	return nil
}

// contactEvent applies a contact event: its bundles (checked as a key
// change) and its state change, telling kind — or a key warning instead
// when the bundles are refused.
func contactEvent(tx *bolt.Tx, now wire.Millis, seq uint64, peer address.Address, offered []json.RawMessage,
	kind NoticeKind, out *outcome, mutate func(*Contact), note string) error {
	if peer.IsZero() {
		return nil
	}
	keyErr, err := changeContact(tx, now, peer, offered, mutate)
	if err != nil {
		return err
	}
	if keyErr != nil {
		out.notice(Notice{Kind: KeyRefused, Seq: seq, Address: peer, Err: keyErr})
		if kind == KeyRotated {
			return nil
		}
	}
	out.notice(Notice{Kind: kind, Seq: seq, Address: peer, Note: note})
	return nil
}

// applyEnvelope opens an envelope as section 3 says, step by step, and
// keeps and tells it as a message, or tells why it cannot be one.
func (c *Client) applyEnvelope(tx *bolt.Tx, id *keys.Identity, seq uint64, raw json.RawMessage, out *outcome) error {
	env, err := envelope.ParseEnvelope(raw)
	if err != nil {
		from, eid := claimed(raw)
		out.notice(Notice{Kind: envelopeNoticeKind(err), Seq: seq, Address: from, ID: eid, Err: err})
		return nil
	}
	if wasSeen(tx, env.From, env.ID) {
		return nil // a redelivery of a message shown (CLIENT-DEDUPE-01)
	}
	signer, ok, err := c.signerOf(tx, id, env)
	if err != nil {
		return err
	}
	if !ok {
		out.notice(Notice{Kind: UnknownSender, Seq: seq, Address: env.From, ID: env.ID,
			Err: fmt.Errorf("no keys held for %s: %w", env.From, ErrNoKeys)})
		return nil
	}
	inner, err := envelope.Open(env, id.Address(), id.BoxPrivate(), signer.SignPublic())
	if err != nil {
		out.notice(Notice{Kind: envelopeNoticeKind(err), Seq: seq, Address: env.From, ID: env.ID, Err: err})
		return nil
	}
	m := newMessage(env, inner)
	if err := keepMessage(tx, m); err != nil {
		return err
	}
	out.messages = append(out.messages, m)
	return nil
}

// signerOf returns the bundle whose signing key checks env: the
// account's own for its own messages, else the sender's bundle current at
// env.TS in the chain held.
func (c *Client) signerOf(tx *bolt.Tx, id *keys.Identity, env *envelope.Envelope) (keys.Bundle, bool, error) {
	if env.From == id.Address() {
		return id.Bundle(), true, nil
	}
	ct, ok, err := getContact(tx, env.From)
	if err != nil || !ok {
		return keys.Bundle{}, false, err
	}
	b, ok := ct.signerAt(env.TS)
	return b, ok, nil
}

// envelopeNoticeKind classifies why an envelope is not shown.
func envelopeNoticeKind(err error) NoticeKind {
	switch wire.DefectOf(err) {
	case wire.UnsupportedVersion:
		return UnsupportedVersion
	case wire.NotARecipient, wire.DecryptFailed:
		return Undecryptable
	}
	return Forged
}

// claimed reads the from and id an envelope that does not parse claims,
// for the notice about it.
func claimed(raw json.RawMessage) (address.Address, string) {
	var e struct {
		From string `json:"from"`
		ID   string `json:"id"`
	}
	_ = json.Unmarshal(raw, &e)
	from, _ := address.Parse(e.From)
	return from, e.ID
}
