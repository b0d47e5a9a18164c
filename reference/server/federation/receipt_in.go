package federation

import (
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/messaging"
	"github.com/emsg-project/emsg/reference/server/store"
)

// receiptMarker joins a receipt's id and kind into the idempotency key
// (receipt.from, receipt.id, receipt.kind) of section 7.
const receiptMarker = "/receipt/"

// decodeReceiptItem reads the receipt of an item that passed its schema,
// or reports false when it does not decode (the item then takes the
// general path).
func decodeReceiptItem(item json.RawMessage) (*receipt, bool) {
	var it struct {
		Receipt receipt `json:"receipt"`
	}
	if err := json.Unmarshal(item, &it); err != nil {
		return nil, false
	}
	return &it.Receipt, true
}

// parties checks the receipt item's row of the section 7 table, as
// [checkParties] does: receipt.from on the origin, receipt.to here.
func (r *receipt) parties(origin, self string) error {
	if r.From.Domain != origin {
		return httpapi.Errorf("forbidden", "sender %s (receipt.from) is not on the origin %s", r.From, origin)
	}
	if r.To.Domain != self {
		return httpapi.Errorf("forbidden", "recipient %s (receipt.to) is not on this server %s", r.To, self)
	}
	return nil
}

// applyReceipt decodes a receipt item the precheck did not, then
// receives it ([Inbox.receiveReceipt]).
func (in *Inbox) applyReceipt(tx *store.Tx, item json.RawMessage, fx *effects) (string, error) {
	var it struct {
		Receipt receipt `json:"receipt"`
	}
	if err := json.Unmarshal(item, &it); err != nil {
		return "", httpapi.Errorf("bad_request", "receipt item: %v", err)
	}
	return in.receiveReceipt(tx, it.Receipt, fx)
}

// receiveReceipt hands a receipt to the local original sender as a
// receipt event. A failed receipt never travels (bad_request); a repeat is
// a duplicate (FED-TXN-05); a receipt about an envelope the sender did
// not send to receipt.from is not_found (FED-SPOOF-04). A sender that was
// deleted or moved since gets nothing, and the item is still ok.
func (in *Inbox) receiveReceipt(tx *store.Tx, r receipt, fx *effects) (string, error) {
	if r.Kind == receiptFailed {
		return "", httpapi.Errorf("bad_request", "failed receipts are made by the sender's own server, never sent")
	}
	key := r.ID + receiptMarker + r.Kind
	if _, dup, err := tx.Seen(r.From.String(), key); err != nil || dup {
		return statusDuplicate, err
	}
	d, sent, err := messaging.LookupDelivery(tx, r.To, r.ID)
	switch {
	case err != nil:
		return "", err
	case !sent || d.To != r.From:
		return "", httpapi.Errorf("not_found", "%s sent no envelope %s to %s", r.To, r.ID, r.From)
	}
	woken, err := pushLocal(tx, r)
	if err != nil {
		return "", err
	}
	if woken {
		fx.wake = append(fx.wake, r.To)
	}
	if err := tx.Remember(r.From.String(), key, nil, d.Expires); err != nil {
		return "", fmt.Errorf("receipt %s: %w", r.ID, err)
	}
	return statusOK, nil
}
