package federation

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/messaging"
	"github.com/emsg-project/emsg/reference/server/policy"
	"github.com/emsg-project/emsg/reference/server/store"
)

// maxAhead is how far in the future an envelope's ts may be (ENV-TS-01).
const maxAhead wire.Millis = 300000

// parsedEnvelope is an envelope item as the precheck decoded it: the
// envelope as received and parsed.
type parsedEnvelope struct {
	raw json.RawMessage
	env *envelope.Envelope
}

// decodeEnvelopeItem reads the envelope of an item that passed its
// schema, or reports false when it does not parse (the item then takes
// the general path, whose checks report the defect in the spec's order).
func decodeEnvelopeItem(item json.RawMessage) (*parsedEnvelope, bool) {
	raw, ok := memberOfItem(item, "envelope")
	if !ok {
		return nil, false
	}
	env, err := envelope.ParseEnvelope(raw)
	if err != nil {
		return nil, false
	}
	return &parsedEnvelope{raw: raw, env: env}, true
}

// parties checks the envelope item's row of the section 7 table, as
// [checkParties] does: envelope.from on the origin, envelope.to here.
func (e *parsedEnvelope) parties(origin, self string) error {
	if d := e.env.From.Domain; d != origin {
		return httpapi.Errorf("forbidden", "sender %s (envelope.from) is not on the origin %s", e.env.From, origin)
	}
	if d := e.env.To.Domain; d != self {
		return httpapi.Errorf("forbidden", "recipient %s (envelope.to) is not on this server %s", e.env.To, self)
	}
	return nil
}

// pairKinds are the item kinds whose definition in fed-item.json allows
// exactly two members, kind and the member of the kind's name (a test
// holds the schema to it).
var pairKinds = map[string]bool{"envelope": true, "receipt": true}

// memberOfItem returns the raw value of the member name of an item that
// passed fed-item.json. An item of a [pairKinds] kind as servers write it,
// {"kind":name,name:…}, is read from the bytes; others are decoded.
func memberOfItem(item json.RawMessage, name string) (json.RawMessage, bool) {
	if pairKinds[name] {
		prefix := `{"kind":"` + name + `","` + name + `":`
		if rest, ok := bytes.CutPrefix(item, []byte(prefix)); ok {
			if v, ok := bytes.CutSuffix(bytes.TrimRight(rest, " \t\r\n"), []byte("}")); ok {
				return v, true
			}
		}
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(item, &m) != nil || m[name] == nil {
		return nil, false
	}
	return m[name], true
}

// applyEnvelope delivers an envelope item that did not parse in the
// precheck: the checks then report its defect ([Inbox.deliverEnvelope]).
func (in *Inbox) applyEnvelope(tx *store.Tx, item json.RawMessage, now wire.Millis, fx *effects) (string, error) {
	var it struct {
		Envelope json.RawMessage `json:"envelope"`
	}
	if err := json.Unmarshal(item, &it); err != nil {
		return "", httpapi.Errorf("bad_request", "envelope item: %v", err)
	}
	return in.deliverEnvelope(tx, &parsedEnvelope{raw: it.Envelope}, now, fx)
}

// deliverEnvelope delivers an envelope item to its local recipient exactly
// as a local send would: the envelope checks that need no state, then
// (from, id) already accepted is a duplicate (FED-TXN-05), then the
// recipient checks (not_found, gone, moved, blocked, not_a_contact). It
// appends the envelope event (DELIV-LOCAL-01), writes the [messaging.Delivery]
// record read receipts are checked against, and queues a delivered
// receipt for the origin (FED-DELIVERED-01) — all in the caller's store
// operation, so the receipt leaves only once the envelope is durable. The
// envelope is parsed unless the precheck did.
func (in *Inbox) deliverEnvelope(tx *store.Tx, it *parsedEnvelope, now wire.Millis, fx *effects) (string, error) {
	env, err := in.checkParsedEnvelope(it.raw, it.env, now)
	if err != nil {
		return "", err
	}
	if _, dup, err := messaging.LookupDelivery(tx, env.From, env.ID); err != nil || dup {
		return statusDuplicate, err
	}
	if err := messaging.CheckRecipient(tx, env, now); err != nil {
		return "", err
	}
	ev, err := envelopeEvent(it.raw)
	if err != nil {
		return "", err
	}
	rc, err := receiptJSON(receipt{Kind: receiptDelivered, ID: env.ID, From: env.To, To: env.From, TS: now})
	if err != nil {
		return "", err
	}
	expires := expiry(env)
	if _, err := tx.AppendEvent(env.To.String(), ev, expires); err != nil {
		return "", fmt.Errorf("deliver %s: %w", env.ID, err)
	}
	if err := messaging.RememberDelivery(tx, env.From, env.ID, messaging.Delivery{To: env.To, Expires: expires}); err != nil {
		return "", err
	}
	if _, err := tx.Enqueue(env.From.Domain, rc, 0); err != nil {
		return "", fmt.Errorf("delivered receipt %s: %w", env.ID, err)
	}
	fx.wake = append(fx.wake, env.To)
	fx.kick = append(fx.kick, env.From.Domain)
	return statusOK, nil
}

// checkEnvelope applies the checks of section 3 that need no stored
// state: size (too_large), shape and version ([envelope.ParseEnvelope]),
// ts at most 300000 ms ahead, ttl within 1..max_ttl, not expired on
// arrival, and wrapped keys for both sender and recipient (bad_request).
func (in *Inbox) checkEnvelope(raw []byte, now wire.Millis) (*envelope.Envelope, error) {
	return in.checkParsedEnvelope(raw, nil, now)
}

// checkParsedEnvelope is [Inbox.checkEnvelope] of raw, whose parse is env
// when already made (nil: parsed here, after the size check).
func (in *Inbox) checkParsedEnvelope(raw []byte, env *envelope.Envelope, now wire.Millis) (*envelope.Envelope, error) {
	if len(raw) > in.cfg.MaxEnvelopeBytes {
		return nil, httpapi.Errorf("too_large", "the envelope is %d bytes, the limit is %d", len(raw), in.cfg.MaxEnvelopeBytes)
	}
	if env == nil {
		var err error
		if env, err = envelope.ParseEnvelope(raw); err != nil {
			return nil, fmt.Errorf("envelope: %w", err)
		}
	}
	if env.TS > now+maxAhead {
		return nil, httpapi.Errorf("bad_request", "ts %d is more than %d ms ahead of the server's clock (%d)", env.TS, maxAhead, now)
	}
	if err := envelope.CheckTTL(env, policy.Of(in.live, in.cfg).MaxTTL); err != nil {
		return nil, fmt.Errorf("envelope: %w", err)
	}
	if expires := expiry(env); expires <= now {
		return nil, httpapi.Errorf("bad_request", "the envelope expired at %d, before it arrived at %d", expires, now)
	}
	if _, ok := env.Keys[env.From]; !ok {
		return nil, httpapi.Errorf("bad_request", "keys has no entry for the sender %s", env.From)
	}
	return env, nil
}

// expiry is when an envelope expires: ts + ttl seconds.
func expiry(env *envelope.Envelope) wire.Millis {
	return env.TS + wire.Millis(env.TTL)*1000
}
