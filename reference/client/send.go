package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
)

// ErrNoKeys reports a recipient for whom the client holds no verified
// bundle: become contacts first (or [Client.RefreshKeys]).
var ErrNoKeys = errors.New("no verified keys for the recipient")

// Send sends text to a contact: see [Client.SendBody].
func (c *Client) Send(ctx context.Context, to address.Address, text string) (Message, error) {
	return c.SendBody(ctx, to, envelope.TextBody(text))
}

// SendBody seals body (a JSON object with a "type") for to — the content
// key wrapped to the box key of to's newest verified bundle and to the
// sender's own (CRYPTO-SEAL-01, CRYPTO-SELF-01), fresh key and nonce from
// the client's randomness (CRYPTO-FRESH-01) — and posts it (POST
// /messages). It returns the sent message, which is also kept locally.
//
// A send that fails temporarily — no answer, a 5xx, rate_limited — is
// tried again with the very same envelope, so the server's (from, id)
// idempotency makes the retries one message (MSG-ID-01); after
// rate_limited the client waits at least retry_after (CLIENT-RATE-01).
// Any other refusal is returned at once as an [*APIError].
func (c *Client) SendBody(ctx context.Context, to address.Address, body json.RawMessage) (Message, error) {
	id, err := c.mustIdentity()
	if err != nil {
		return Message{}, fmt.Errorf("send to %s: %w", to, err)
	}
	ct, ok, err := c.Contact(to)
	if err != nil {
		return Message{}, fmt.Errorf("send to %s: %w", to, err)
	}
	b, hasKeys := ct.Bundle()
	if !ok || !hasKeys {
		return Message{}, fmt.Errorf("send to %s: %w", to, ErrNoKeys)
	}
	env, inner, err := envelope.Seal(c.opts.deps, id, to, map[address.Address]*[32]byte{to: b.BoxPublic()}, body, envelope.Options{TTL: c.opts.ttl})
	if err != nil {
		return Message{}, fmt.Errorf("send to %s: seal: %w", to, err)
	}
	if err := c.post(ctx, env); err != nil {
		return Message{}, fmt.Errorf("send %s to %s: %w", env.ID, to, err)
	}
	m := newMessage(env, inner)
	err = c.store.db.Update(func(tx *bolt.Tx) error { return keepMessage(tx, m) })
	if err != nil {
		return m, fmt.Errorf("send %s to %s: sent, but not kept locally: %w", env.ID, to, err)
	}
	return m, nil
}

// post sends env, trying again while the failure is temporary.
func (c *Client) post(ctx context.Context, env *envelope.Envelope) error {
	delay := c.opts.retryDelay
	var err error
	for attempt := 1; ; attempt++ {
		err = c.authed(ctx, "POST", "/emsg/v1/messages", env, nil)
		wait, retry := c.retryAfter(err, delay)
		if !retry || attempt >= c.opts.attempts {
			return err
		}
		if werr := sleep(ctx, wait); werr != nil {
			return errors.Join(err, werr)
		}
		delay = min(2*delay, c.opts.maxRetryDelay)
	}
}

// retryAfter says whether err is worth another try and after how long:
// delay, or retry_after when the server asks for longer.
func (c *Client) retryAfter(err error, delay time.Duration) (time.Duration, bool) {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return 0, false
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return delay, true // the server was not reached, or its answer was lost
	}
	if !apiErr.Temporary() {
		return 0, false
	}
	return max(delay, time.Duration(apiErr.RetryAfter)*time.Second), true
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
