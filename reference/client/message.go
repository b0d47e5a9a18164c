package client

import (
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Message is a message as the user sees it: opened, verified with the
// sender's key chain and shown at most once per (From, ID). Listen hands
// each to [Handler].Message; [Client.Messages] lists those not yet expired.
//
// A body type this client does not support (CLIENT-BODY-01) is not
// dropped: Unsupported is set, Text is empty, and Body keeps the signed
// JSON for whoever understands it. [Message.Display] says so in words.
type Message struct {
	From        address.Address `json:"from"`
	To          address.Address `json:"to"`
	ID          string          `json:"id"`
	TS          wire.Millis     `json:"ts"`      // when the sender wrote it
	Expires     wire.Millis     `json:"expires"` // ts + ttl×1000: the local copy goes then (CLIENT-TTL-01)
	Type        string          `json:"type"`    // the body type: "text", a vendor type, or what the body claimed
	Text        string          `json:"text,omitempty"`
	Unsupported bool            `json:"unsupported,omitempty"`
	Body        json.RawMessage `json:"body"` // the body as signed
}

// Display is the message's text, or a line saying the body type is not
// supported.
func (m Message) Display() string {
	if m.Unsupported {
		return fmt.Sprintf("unsupported message (body type %q)", m.Type)
	}
	return m.Text
}

// newMessage builds the Message of an opened envelope.
func newMessage(env *envelope.Envelope, in *envelope.Inner) Message {
	m := Message{
		From:    in.From,
		To:      in.To,
		ID:      in.ID,
		TS:      in.TS,
		Expires: env.TS + wire.Millis(env.TTL)*1000,
		Body:    in.Body,
	}
	body, err := envelope.ParseBody(in.Body)
	switch {
	case err != nil:
		m.Type, m.Unsupported = claimedType(in.Body), true
	case !body.Supported():
		m.Type, m.Unsupported = body.Type, true
	default:
		m.Type, m.Text = body.Type, body.Text
	}
	return m
}

// claimedType reads a body's "type" member, if it has a string one, for
// the display of a body that does not parse.
func claimedType(raw json.RawMessage) string {
	var b struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(raw, &b) != nil || b.Type == "" {
		return "unknown"
	}
	return b.Type
}

// Messages returns the messages kept locally — received and sent — after
// deleting those past their expiry, soonest to expire first.
func (c *Client) Messages() ([]Message, error) {
	if _, err := c.ExpireMessages(); err != nil {
		return nil, err
	}
	list, err := c.store.messages()
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	return list, nil
}

// ExpireMessages deletes the local copies of messages whose ts + ttl×1000
// has passed (CLIENT-TTL-01) and returns how many went. [Client.Listen]
// runs it every minute.
func (c *Client) ExpireMessages() (int, error) {
	n, err := c.store.expire(c.opts.deps.Millis())
	if err != nil {
		return 0, fmt.Errorf("expire messages: %w", err)
	}
	return n, nil
}
