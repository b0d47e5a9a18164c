package federation

import (
	"encoding/json"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/migration"
	"github.com/emsg-project/emsg/reference/server/store"
)

// The notice items (section 4, "Export, import, move, delete") are decoded
// here and applied by package migration: [migration.ApplyMove] and
// [migration.ApplyDelete] run in the inbox's store operation.

// noticeItem is a move or delete item: the notice stays raw for the
// protocol library's strict parser.
type noticeItem struct {
	Notice json.RawMessage   `json:"notice"`
	To     []address.Address `json:"to"`
}

// applyMove applies a move item.
func (in *Inbox) applyMove(tx *store.Tx, item json.RawMessage, now wire.Millis, fx *effects) (string, error) {
	var it noticeItem
	if err := json.Unmarshal(item, &it); err != nil {
		return "", httpapi.Errorf("bad_request", "move item: %v", err)
	}
	n, err := account.ParseMoveNotice(it.Notice)
	if err != nil {
		return "", err
	}
	return tookNotice(fx)(migration.ApplyMove(tx, n, it.To, now))
}

// applyDelete applies a delete item.
func (in *Inbox) applyDelete(tx *store.Tx, item json.RawMessage, fx *effects) (string, error) {
	var it noticeItem
	if err := json.Unmarshal(item, &it); err != nil {
		return "", httpapi.Errorf("bad_request", "delete item: %v", err)
	}
	n, err := account.ParseDeleteNotice(it.Notice)
	if err != nil {
		return "", err
	}
	return tookNotice(fx)(migration.ApplyDelete(tx, n, it.To))
}

// tookNotice turns the outcome of a migration Apply into the item's
// status, adding its accounts to wake and queues to kick to fx.
func tookNotice(fx *effects) func(migration.Effects, error) (string, error) {
	return func(e migration.Effects, err error) (string, error) {
		if err != nil {
			return "", err
		}
		fx.wake = append(fx.wake, e.Wake...)
		fx.kick = append(fx.kick, e.Kick...)
		return statusOK, nil
	}
}
