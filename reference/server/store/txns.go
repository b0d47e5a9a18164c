package store

import (
	"bytes"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// txnResult is the remembered answer to an inbound federation transaction.
type txnResult struct {
	Response []byte      `json:"response"`
	Expires  wire.Millis `json:"expires"`
}

// TxnResult returns the response given to transaction txn of origin and
// whether there is one: a replay gets it back unchanged.
func (t *Tx) TxnResult(origin, txn string) ([]byte, bool, error) {
	key, err := txnKey(origin, txn)
	if err != nil {
		return nil, false, fmt.Errorf("txn result: %w", err)
	}
	var r txnResult
	ok, err := t.getJSON(bucketTxns, key, &r)
	if err != nil || !ok {
		return nil, false, err
	}
	return r.Response, true, nil
}

// PutTxnResult remembers response for transaction txn of origin until
// expires (at least 24 hours).
func (t *Tx) PutTxnResult(origin, txn string, response []byte, expires wire.Millis) error {
	key, err := txnKey(origin, txn)
	if err != nil {
		return fmt.Errorf("put txn result: %w", err)
	}
	if err := t.putJSON(bucketTxns, key, txnResult{Response: bytes.Clone(response), Expires: expires}); err != nil {
		return fmt.Errorf("put txn result %s %s: %w", origin, txn, err)
	}
	if err := t.indexExpiry(expiryTxns, key, expires); err != nil {
		return fmt.Errorf("put txn result %s %s: %w", origin, txn, err)
	}
	return nil
}

// ExpireTxns removes up to limit transaction results expired at or before
// now; more reports that expired ones remain.
func (t *Tx) ExpireTxns(now wire.Millis, limit int) (removed int, more bool, err error) {
	more, err = t.sweep(expiryTxns, now, limit, func(pk []byte, exp wire.Millis) error {
		var r txnResult
		ok, err := t.getJSON(bucketTxns, pk, &r)
		if err != nil || !ok || r.Expires != exp {
			return err
		}
		removed++
		return t.del(bucketTxns, pk)
	})
	if err != nil {
		return 0, false, fmt.Errorf("expire txns: %w", err)
	}
	return removed, more, nil
}

func txnKey(origin, txn string) ([]byte, error) {
	if err := checkName("origin", origin); err != nil {
		return nil, err
	}
	if err := checkName("txn", txn); err != nil {
		return nil, err
	}
	return nameKey(origin, txn), nil
}
