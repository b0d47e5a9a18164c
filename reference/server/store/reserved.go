package store

import (
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Reserve keeps the local part of a deleted account from being registered
// again until until (at least 180 days after the deletion). Reserving
// again only ever extends the reservation.
func (t *Tx) Reserve(local string, until wire.Millis) error {
	if err := checkName("reserve: local part", local); err != nil {
		return err
	}
	old, _, err := t.ReservedUntil(local)
	if err != nil {
		return err
	}
	if until <= old {
		return nil
	}
	if err := t.put(bucketReserved, []byte(local), encodeUint(uint64(until))); err != nil {
		return fmt.Errorf("reserve %s: %w", local, err)
	}
	return nil
}

// ReservedUntil returns until when local is reserved and whether it ever
// was; the caller compares with the current time.
func (t *Tx) ReservedUntil(local string) (wire.Millis, bool, error) {
	if err := checkName("reserved: local part", local); err != nil {
		return 0, false, err
	}
	v := t.tx.Bucket(bucketReserved).Get([]byte(local))
	if v == nil {
		return 0, false, nil
	}
	return wire.Millis(decodeUint(v)), true, nil
}
