package store

import (
	"bytes"
	"fmt"
)

// Counts are the sizes an operator watches (GET /admin/stats).
type Counts struct {
	Accounts     int // local accounts, suspended included (not deleted or moved)
	Suspended    int // suspended accounts
	Envelopes    int // envelope events stored for local accounts
	QueuedItems  int // federation items waiting for their destination
	Destinations int // destinations with queued items
}

// envelopeEvent is how every envelope event's encoding starts (messaging
// encodes {"kind":"envelope",...}).
var envelopeEvent = []byte(`{"kind":"envelope"`)

// Count walks the accounts, events and queues; it reads everything once,
// so it is for an operator's occasional look, not for a hot path.
func (t *Tx) Count() (Counts, error) {
	var n Counts
	c := t.cursor(bucketAccounts)
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var a Account
		if err := jsonDecode(v, &a); err != nil {
			return Counts{}, fmt.Errorf("count accounts at %s: %w", k, err)
		}
		switch a.State {
		case StateActive:
			n.Accounts++
		case StateSuspended:
			n.Accounts++
			n.Suspended++
		}
	}
	c = t.cursor(bucketEvents)
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if bytes.HasPrefix(v, envelopeEvent) {
			n.Envelopes++
		}
	}
	n.QueuedItems = t.tx.Bucket(bucketQueue).Stats().KeyN
	dests, err := t.Destinations()
	if err != nil {
		return Counts{}, fmt.Errorf("count destinations: %w", err)
	}
	n.Destinations = len(dests)
	return n, nil
}

// CountHostedGroups counts the groups of domain (those this server hosts,
// not the mirrors of others) that are not dissolved.
func (t *Tx) CountHostedGroups(domain string) (int, error) {
	n := 0
	suffix := []byte("#" + domain)
	c := t.cursor(bucketGroups)
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if !bytes.HasSuffix(k, suffix) {
			continue
		}
		var g Group
		if err := jsonDecode(v, &g); err != nil {
			return 0, fmt.Errorf("count groups at %s: %w", k, err)
		}
		if !g.Dissolved {
			n++
		}
	}
	return n, nil
}
