package retention

import (
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/store"
)

// receipt is an expired receipt (receipt.json): From is the recipient
// whose server dropped the envelope, To its original sender.
type receipt struct {
	Kind string          `json:"kind"`
	ID   string          `json:"id"`
	From address.Address `json:"from"`
	To   address.Address `json:"to"`
	TS   wire.Millis     `json:"ts"`
}

// sendReceipt hands r to its sender: a receipt event when the sender is
// an active account of this server (a deleted or moved one has no reader),
// a receipt item queued for the sender's server otherwise. The stream
// event and the federation item have the same shape.
func (w *Sweeper) sendReceipt(tx *store.Tx, r receipt, fx *effects) error {
	body, err := json.Marshal(struct {
		Kind    string  `json:"kind"`
		Receipt receipt `json:"receipt"`
	}{"receipt", r})
	if err != nil {
		return fmt.Errorf("encode expired receipt: %w", err)
	}
	if r.To.Domain != w.cfg.Domain {
		if _, err := tx.Enqueue(r.To.Domain, body, 0); err != nil {
			return fmt.Errorf("expired receipt %s: %w", r.ID, err)
		}
		fx.kick = append(fx.kick, r.To.Domain)
		return nil
	}
	a, ok, err := tx.GetAccount(r.To.String())
	if err != nil || !ok || a.State != store.StateActive {
		return err
	}
	if _, err := tx.AppendEvent(r.To.String(), body, 0); err != nil {
		return fmt.Errorf("expired receipt %s: %w", r.ID, err)
	}
	fx.wake = append(fx.wake, r.To)
	return nil
}
