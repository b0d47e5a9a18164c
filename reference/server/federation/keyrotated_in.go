package federation

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/accounts"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// rotatedMarker prefixes the idempotency key (bundle.address,
// bundle.created) of a key_rotated item in the dedupe table.
const rotatedMarker = "/key_rotated/"

// applyKeyRotated tells each listed local account that holds
// bundle.address as an accepted contact about its new bundle
// ([accounts.PushKeyRotated]). The bundle must verify and carry a prev
// link (a rotation, bad_signature or bad_request otherwise); a repeat is a
// duplicate (FED-TXN-05); listed accounts that are gone, or not such
// contacts, are skipped and the item is still ok. The server's cached
// chain of the address is dropped.
func (in *Inbox) applyKeyRotated(tx *store.Tx, raw json.RawMessage, now wire.Millis, fx *effects) (string, error) {
	var it struct {
		Bundle json.RawMessage   `json:"bundle"`
		To     []address.Address `json:"to"`
	}
	if err := json.Unmarshal(raw, &it); err != nil {
		return "", httpapi.Errorf("bad_request", "key_rotated item: %v", err)
	}
	nb, err := keys.ParseBundle(it.Bundle)
	if err != nil {
		return "", fmt.Errorf("key_rotated item: %w", err)
	}
	if nb.Prev == nil {
		return "", httpapi.Errorf("bad_request", "a rotated bundle carries prev, linking it to the previous sign key")
	}
	from, key := nb.Address.String(), rotatedMarker+strconv.FormatInt(int64(nb.Created), 10)
	if _, dup, err := tx.Seen(from, key); err != nil || dup {
		return statusDuplicate, err
	}
	for _, to := range it.To {
		pushed, err := accounts.PushKeyRotated(tx, to.String(), nb, it.Bundle, now)
		if err != nil {
			return "", err
		}
		if pushed {
			fx.wake = append(fx.wake, to)
		}
	}
	if err := tx.Remember(from, key, nil, 0); err != nil {
		return "", fmt.Errorf("key_rotated of %s: %w", from, err)
	}
	if in.rotated != nil {
		in.rotated(from)
	}
	return statusOK, nil
}
