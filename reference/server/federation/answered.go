package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/groups"
	"github.com/emsg-project/emsg/reference/server/store"
)

// answered takes answered items out of the queue of dest. An item refused
// with an error that carries an envelope turns into a failed receipt for
// its local sender, with the error code and moved_to (DELIV-FAILED-01);
// refusals of other kinds end silently. Receipts and removal happen in
// one store operation; the senders' streams are woken after it.
func (o *Outbox) answered(ctx context.Context, dest string, items []store.QueueItem, rs []Result) error {
	now := o.deps.Millis()
	var wake []address.Address
	var refused []int // items refused with nobody to tell
	err := o.st.Update(ctx, func(tx *store.Tx) error {
		wake, refused = nil, nil
		ids := make([]uint64, len(items))
		for i, it := range items {
			ids[i] = it.ID
			if rs[i].Status != statusError {
				continue
			}
			if gfx, ok, err := groups.Refused(tx, it.Data, rs[i].Error, rs[i].Message); ok || err != nil {
				if err != nil {
					return err
				}
				wake = append(wake, gfx.Wake...)
				continue
			}
			r, ok := failedReceipt(it, rs[i], now)
			if !ok {
				refused = append(refused, i)
				continue
			}
			woken, err := pushLocal(tx, r)
			if err != nil {
				return err
			}
			if woken {
				wake = append(wake, r.To)
			}
		}
		return tx.Done(dest, ids)
	})
	if err != nil {
		return fmt.Errorf("answered %s %s: %w", dest, txnName(items), err)
	}
	o.wake(wake)
	for _, i := range refused {
		slog.Info("federation item refused", "destination", dest, "txn", txnName(items), "kind", kindOf(items[i].Data), "error", rs[i].Error, "message", rs[i].Message)
	}
	return nil
}

// kindOf is the kind of a queued item, for logs.
func kindOf(data []byte) string {
	var head struct {
		Kind string `json:"kind"`
	}
	_ = json.Unmarshal(data, &head)
	return head.Kind
}

// queuedEnvelope is what an envelope-carrying item tells about its
// envelope: enough to address a receipt.
type queuedEnvelope struct {
	Kind     string `json:"kind"`
	Envelope *struct {
		ID   string          `json:"id"`
		From address.Address `json:"from"`
		To   address.Address `json:"to"`
	} `json:"envelope"`
}

// envelopeOf returns the envelope of a queued item of one of kinds (a
// 1:1 envelope item when none are named).
func envelopeOf(it store.QueueItem, kinds ...string) (queuedEnvelope, bool) {
	if len(kinds) == 0 {
		kinds = []string{"envelope"}
	}
	var q queuedEnvelope
	if json.Unmarshal(it.Data, &q) != nil || !slices.Contains(kinds, q.Kind) || q.Envelope == nil {
		return queuedEnvelope{}, false
	}
	return q, true
}

// failedReceipt is the failed receipt for a refused envelope or group_post
// item, from the refused recipient (or group) to the sender.
func failedReceipt(it store.QueueItem, res Result, now wire.Millis) (receipt, bool) {
	q, ok := envelopeOf(it, "envelope", "group_post")
	if !ok {
		return receipt{}, false
	}
	r := receipt{Kind: receiptFailed, ID: q.Envelope.ID, From: q.Envelope.To, To: q.Envelope.From, TS: now, Error: res.Error}
	if res.Error == "moved" {
		r.MovedTo = res.MovedTo
	}
	return r, true
}

// pushLocal appends the receipt event r to its local recipient's log if
// that account still reads events, and reports whether it did.
func pushLocal(tx *store.Tx, r receipt) (bool, error) {
	live, err := liveAccount(tx, r.To)
	if err != nil || !live {
		return false, err
	}
	ev, err := receiptJSON(r)
	if err != nil {
		return false, err
	}
	if _, err := tx.AppendEvent(r.To.String(), ev, 0); err != nil {
		return false, fmt.Errorf("%s receipt %s: %w", r.Kind, r.ID, err)
	}
	return true, nil
}

// wake notifies each account once.
func (o *Outbox) wake(addrs []address.Address) {
	for i, a := range addrs {
		if o.notify != nil && slices.Index(addrs, a) == i {
			o.notify.Notify(a)
		}
	}
}

// liveAccount reports whether addr is a local account that still reads
// events (not deleted, not moved): receipts for anyone else have no reader.
func liveAccount(tx *store.Tx, addr address.Address) (bool, error) {
	a, ok, err := tx.GetAccount(addr.String())
	if err != nil {
		return false, err
	}
	return ok && a.State != store.StateDeleted && a.State != store.StateMoved, nil
}
