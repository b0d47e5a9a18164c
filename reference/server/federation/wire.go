package federation

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// This file holds the JSON federation speaks: transactions
// (fed-transaction.json), results (fed-results.json) and the receipts the
// federation side makes (receipt.json), as federation items and as stream
// events.

// InboxPath is where a server receives transactions.
const InboxPath = "/emsg/v1/federation/inbox"

// maxTxnBytes is the largest transaction body (FED-TXN-01): fixed by the
// spec, not configurable.
const maxTxnBytes = 1 << 20

// transaction is the body of POST /emsg/v1/federation/inbox. Items stay raw:
// each is checked on its own against fed-item.json.
type transaction struct {
	Origin      string            `json:"origin"`
	Destination string            `json:"destination"`
	Txn         string            `json:"txn"`
	Items       []json.RawMessage `json:"items"`
}

// Result statuses (fed-results.json).
const (
	statusOK        = "ok"
	statusDuplicate = "duplicate"
	statusError     = "error"
)

// Result is the answer to one item of a transaction.
type Result struct {
	Index   int    `json:"index"`
	Status  string `json:"status"`
	Error   string `json:"error,omitempty"`
	Message string `json:"message,omitempty"`
	MovedTo string `json:"moved_to,omitempty"`
}

// results is the 200 answer to a transaction.
type results struct {
	Results []Result `json:"results"`
}

// errorResult is the result of item i refused with err, whose code and
// moved_to come from [httpapi.AsError].
func errorResult(i int, err error) Result {
	e := httpapi.AsError(err)
	msg := e.Message
	if len(msg) > 1024 {
		msg = msg[:1024]
	}
	return Result{Index: i, Status: statusError, Error: e.Code, Message: msg, MovedTo: e.MovedTo}
}

// Receipt kinds the federation side makes or relays.
const (
	receiptDelivered = "delivered"
	receiptExpired   = "expired"
	receiptFailed    = "failed"
)

// receipt is a report about one envelope for its original sender
// (receipt.json). Error and MovedTo belong to failed receipts only.
type receipt struct {
	Kind    string          `json:"kind"`
	ID      string          `json:"id"`
	From    address.Address `json:"from"`
	To      address.Address `json:"to"`
	TS      wire.Millis     `json:"ts"`
	Error   string          `json:"error,omitempty"`
	MovedTo string          `json:"moved_to,omitempty"`
}

// receiptJSON is {"kind":"receipt","receipt":r}: a stream event and a
// federation item have the same shape.
func receiptJSON(r receipt) ([]byte, error) {
	raw, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode receipt: %w", err)
	}
	return wrap("receipt", "receipt", raw)
}

// envelopeEvent is the stream event {"kind":"envelope","envelope":raw},
// the envelope embedded as received (ENV-INTACT-01).
func envelopeEvent(raw []byte) ([]byte, error) { return wrap("envelope", "envelope", raw) }

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
