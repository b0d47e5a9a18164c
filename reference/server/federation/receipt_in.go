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

// applyReceipt hands a receipt item to the local original sender as a
// receipt event. A failed receipt never travels (bad_request); a repeat is
// a duplicate (FED-TXN-05); a receipt about an envelope the sender did
// not send to receipt.from is not_found (FED-SPOOF-04). A sender that was
// deleted or moved since gets nothing, and the item is still ok.
func (in *Inbox) applyReceipt(tx *store.Tx, item json.RawMessage, fx *effects) (string, error) {
	var it struct {
		Receipt receipt `json:"receipt"`
	}
	if err := json.Unmarshal(item, &it); err != nil {
		return "", httpapi.Errorf("bad_request", "receipt item: %v", err)
	}
	r := it.Receipt
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
