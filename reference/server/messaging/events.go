package messaging

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// This file builds the JSON the service stores: stream events
// (stream-event.json) and federation items (fed-item.json). Envelopes are
// embedded as the bytes the client sent (compacted), never re-encoded, so
// every member and value reaches the recipient as accepted
// (ENV-INTACT-01).

// Receipt kinds a server makes from this package.
const (
	receiptDelivered = "delivered"
	receiptRead      = "read"
)

// Receipt is a report about one envelope for its original sender
// (receipt.json): kind, the envelope id, who reports (From) and the
// original sender (To).
type Receipt struct {
	Kind string          `json:"kind"`
	ID   string          `json:"id"`
	From address.Address `json:"from"`
	To   address.Address `json:"to"`
	TS   wire.Millis     `json:"ts"`
}

// envelopeEvent is {"kind":"envelope","envelope":raw}.
func envelopeEvent(raw []byte) ([]byte, error) {
	return wrap("envelope", "envelope", raw)
}

// envelopeItem is the federation item {"kind":"envelope","envelope":raw}.
func envelopeItem(raw []byte) ([]byte, error) {
	return wrap("envelope", "envelope", raw)
}

// receiptEvent is {"kind":"receipt","receipt":r}; the federation item of
// a receipt has the same shape.
func receiptEvent(r Receipt) ([]byte, error) {
	raw, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode receipt: %w", err)
	}
	return wrap("receipt", "receipt", raw)
}

// receiptItem is the federation item {"kind":"receipt","receipt":r}.
func receiptItem(r Receipt) ([]byte, error) { return receiptEvent(r) }

// wrap returns {"kind":kind,member:raw} with raw compacted but otherwise
// unchanged (no HTML escaping, no reordering).
func wrap(kind, member string, raw []byte) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"kind":%q,%q:`, kind, member)
	if err := json.Compact(&b, raw); err != nil {
		return nil, fmt.Errorf("embed %s: %w", member, err)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
