package federation

import (
	"encoding/json"
	"errors"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// prechecked is one item of a transaction after the checks that need no
// state: its kind, or the refusal that answers it.
type prechecked struct {
	kind    string
	refusal error
}

// precheck runs the checks of an item that read no state, before the store
// transaction, so that the store's single writer only applies: the item
// against fed-item.json (an unknown kind included: bad_request), then the
// parties of section 7 (forbidden).
func (in *Inbox) precheck(origin string, raw json.RawMessage) prechecked {
	if err := spec.ValidateJSON("fed-item", raw); err != nil {
		return prechecked{refusal: httpapi.Errorf("bad_request", "%v", err)}
	}
	var head struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return prechecked{refusal: httpapi.Errorf("bad_request", "item: %v", err)}
	}
	if err := checkParties(head.Kind, raw, origin, in.cfg.Domain); err != nil {
		return prechecked{refusal: err}
	}
	return prechecked{kind: head.Kind}
}

// item answers item i, prechecked as c. A refusal is the item's error
// result and the other items go on (FED-TXN-03); only a failure of the
// store itself is returned as an error, which fails the whole transaction
// (the origin retries it, and nothing was applied).
func (in *Inbox) item(tx *store.Tx, i int, raw json.RawMessage, c prechecked, now wire.Millis, fx *effects) (Result, error) {
	if c.refusal != nil {
		return errorResult(i, c.refusal), nil
	}
	status, err := in.applyKind(tx, c.kind, raw, now, fx)
	switch {
	case err == nil:
		return Result{Index: i, Status: status}, nil
	case isRefusal(err):
		return errorResult(i, err), nil
	}
	return Result{}, err
}

// isRefusal reports whether err answers the item (an error code) rather
// than failing the server.
func isRefusal(err error) bool {
	var e *httpapi.Error
	return errors.As(err, &e) || wire.DefectOf(err) != ""
}

// applyKind applies a prechecked item by its kind and returns ok or
// duplicate.
func (in *Inbox) applyKind(tx *store.Tx, kind string, raw json.RawMessage, now wire.Millis, fx *effects) (string, error) {
	switch kind {
	case "envelope":
		return in.applyEnvelope(tx, raw, now, fx)
	case "receipt":
		return in.applyReceipt(tx, raw, fx)
	case "contact_request":
		return in.applyContactRequest(tx, raw, now, fx)
	case "contact_response":
		return in.applyContactResponse(tx, raw, now, fx)
	case "contact_removed":
		return in.applyContactRemoved(tx, raw, now, fx)
	case "move":
		return in.applyMove(tx, raw, now, fx)
	case "delete":
		return in.applyDelete(tx, raw, fx)
	case "session_ticket":
		return in.applySessionTicket(tx, raw, now, fx)
	case "group_request":
		return in.applyGroupRequest(tx, raw, now, fx)
	case "group_event":
		return in.applyGroupEvent(tx, raw, now, fx)
	case "group_post":
		return in.applyGroupPost(tx, raw, now, fx)
	case "group_fanout":
		return in.applyGroupFanout(tx, raw, now, fx)
	}
	return "", httpapi.Errorf("not_found", "this server does not take %s items", kind)
}
