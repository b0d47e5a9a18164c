package federation

import (
	"bytes"
	"encoding/json"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
	"github.com/emsg-project/emsg/spec"
)

// prechecked is one item of a transaction after the checks that need no
// state: its kind, or the refusal that answers it, and for the kinds every
// message brings (envelope, receipt) what the checks decoded, so that the
// store's single writer does not decode it again.
type prechecked struct {
	kind     string
	refusal  error
	envelope *parsedEnvelope // an envelope item's envelope, when it parsed
	receipt  *receipt        // a receipt item's receipt
}

// precheckAll runs [Inbox.precheck] on every item, on every core: the
// checks are independent and read no state, and a transaction of 100
// envelopes is otherwise one core's work while the other waits.
func (in *Inbox) precheckAll(origin string, items []json.RawMessage) []prechecked {
	pre := make([]prechecked, len(items))
	var next atomic.Int64
	work := func() {
		for i := int(next.Add(1) - 1); i < len(items); i = int(next.Add(1) - 1) {
			pre[i] = in.precheck(origin, items[i])
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(items)) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	return pre
}

// precheck runs the checks of an item that read no state, before the store
// transaction, so that the store's single writer only applies: the item
// against fed-item.json (an unknown kind included: bad_request), then the
// parties of section 7 (forbidden). Envelope and receipt items are decoded
// here once, for the parties and for [Inbox.item].
func (in *Inbox) precheck(origin string, raw json.RawMessage) prechecked {
	kind, err := validateItem(raw)
	if err != nil {
		return prechecked{refusal: httpapi.Errorf("bad_request", "%v", err)}
	}
	switch kind {
	case "envelope":
		if e, ok := decodeEnvelopeItem(raw); ok {
			return prechecked{kind: kind, envelope: e, refusal: e.parties(origin, in.cfg.Domain)}
		}
	case "receipt":
		if r, ok := decodeReceiptItem(raw); ok {
			return prechecked{kind: kind, receipt: r, refusal: r.parties(origin, in.cfg.Domain)}
		}
	}
	if err := checkParties(kind, raw, origin, in.cfg.Domain); err != nil {
		return prechecked{refusal: err}
	}
	return prechecked{kind: kind}
}

// validateItem checks raw against fed-item.json and returns its kind. Each
// kind's definition in that schema fixes the kind (type object, kind
// required and const; a test holds the schema to it), and the schema
// applies only the branch of the item's kind: so an item that passes its
// kind's definition passes the schema, at a third of the cost of
// evaluating every branch ([spec.ValidateJSONDef]). Any other item is
// checked against the whole schema, whose error is the answer.
func validateItem(raw json.RawMessage) (string, error) {
	kind := itemKind(raw)
	if kind != "" && spec.ValidateJSONDef("fed-item", kind, raw) == nil {
		return kind, nil
	}
	if err := spec.ValidateJSON("fed-item", raw); err != nil {
		return "", err
	}
	return kind, nil // valid against the whole schema, so it has a kind
}

// itemKind is the kind member of an item ("" when there is none to read).
// Items as servers write them begin with it; others are decoded.
func itemKind(raw json.RawMessage) string {
	const prefix = `{"kind":"`
	if rest, ok := bytes.CutPrefix(raw, []byte(prefix)); ok {
		if end := bytes.IndexByte(rest, '"'); end > 0 && bytes.IndexByte(rest[:end], '\\') < 0 {
			return string(rest[:end])
		}
	}
	var head struct {
		Kind string `json:"kind"`
	}
	_ = json.Unmarshal(raw, &head)
	return head.Kind
}

// item answers item i, prechecked as c. A refusal is the item's error
// result and the other items go on (FED-TXN-03); only a failure of the
// store itself is returned as an error, which fails the whole transaction
// (the origin retries it, and nothing was applied).
func (in *Inbox) item(tx *store.Tx, i int, raw json.RawMessage, c prechecked, now wire.Millis, fx *effects) (Result, error) {
	if c.refusal != nil {
		return errorResult(i, c.refusal), nil
	}
	var status string
	var err error
	switch {
	case c.envelope != nil:
		status, err = in.deliverEnvelope(tx, c.envelope, now, fx)
	case c.receipt != nil:
		status, err = in.receiveReceipt(tx, *c.receipt, fx)
	default:
		status, err = in.applyKind(tx, c.kind, raw, now, fx)
	}
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
	case "key_rotated":
		return in.applyKeyRotated(tx, raw, now, fx)
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
