package messaging

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// readRequest is the body of POST /receipts (receipt-request.json): the
// caller read the envelopes ids, all sent to it by To.
type readRequest struct {
	Kind string          `json:"kind"`
	To   address.Address `json:"to"`
	IDs  []string        `json:"ids"`
}

// readMarker is the idempotency key suffix of a read receipt already sent:
// the store remembers (reader, id + readMarker).
const readMarker = "/read"

// parseReadRequest reads the body: an address that is not canonical is
// bad_address (ADDR-SIGNED-01) even though the schema would also refuse
// it; anything else the schema refuses is bad_request.
func parseReadRequest(body []byte) (readRequest, error) {
	var probe struct {
		To any `json:"to"`
	}
	if json.Unmarshal(body, &probe) == nil {
		if to, ok := probe.To.(string); ok {
			if _, err := address.ParseCanonical(to); err != nil {
				return readRequest{}, fmt.Errorf("receipt request: to: %w", err)
			}
		}
	}
	if err := spec.ValidateJSON("receipt-request", body); err != nil {
		return readRequest{}, httpapi.Errorf("bad_request", "%v", err)
	}
	var req readRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return readRequest{}, httpapi.Errorf("bad_request", "receipt request: %v", err)
	}
	return req, nil
}

// sendReads makes one read receipt from reader per id of req for req.To,
// in one store operation: all ids are checked first (RCPT-READ-01), then
// the receipts not sent before are appended (local sender) or queued
// (remote sender). The sender's streams are woken after the commit.
func (s *Service) sendReads(ctx context.Context, reader address.Address, req readRequest) error {
	now := s.deps.Millis()
	var wake bool
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		wake = false
		unsent, err := unsentReads(tx, reader, req)
		if err != nil || len(unsent) == 0 {
			return err
		}
		out, err := s.receiptOutlet(tx, req.To)
		if err != nil {
			return err
		}
		for _, u := range unsent {
			r := Receipt{Kind: receiptRead, ID: u.id, From: reader, To: req.To, TS: now}
			if err := out.send(tx, r); err != nil {
				return err
			}
			if err := tx.Remember(reader.String(), u.id+readMarker, nil, u.expires); err != nil {
				return fmt.Errorf("read receipt %s: %w", u.id, err)
			}
		}
		wake = out.local
		return nil
	})
	if err == nil && wake {
		s.wake(req.To)
	}
	return err
}

// unsentRead is an id whose read receipt is still to be sent, and when
// its envelope expires (the idempotency key lives as long).
type unsentRead struct {
	id      string
	expires wire.Millis
}

// unsentReads checks that every id is a 1:1 envelope reader received
// from req.To (not_found otherwise, naming the first that is not) and
// returns those whose receipt was not sent yet. It writes nothing.
func unsentReads(tx *store.Tx, reader address.Address, req readRequest) ([]unsentRead, error) {
	var unsent []unsentRead
	for _, id := range req.IDs {
		d, ok, err := LookupDelivery(tx, req.To, id)
		if err != nil {
			return nil, err
		}
		if !ok || d.To != reader {
			return nil, httpapi.Errorf("not_found", "%s is not an envelope %s received from %s", id, reader, req.To)
		}
		_, sent, err := tx.Seen(reader.String(), id+readMarker)
		if err != nil {
			return nil, err
		}
		if !sent {
			unsent = append(unsent, unsentRead{id: id, expires: d.Expires})
		}
	}
	return unsent, nil
}
